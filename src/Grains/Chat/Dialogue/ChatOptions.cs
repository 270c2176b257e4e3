using CrmChatbot.Chat.Llm;

namespace CrmChatbot.Chat.Dialogue;

/// <summary>Settings of the chat assistant.</summary>
public sealed class ChatOptions
{
    /// <summary>The FAQ knowledge file; a relative path is read from the application's directory.</summary>
    public string FaqPath { get; set; } = "faq.sample.json";

    /// <summary>
    /// The staff user who organizes meetings the assistant books (the meeting grain needs an existing user
    /// as organizer). Null: the first active admin.
    /// </summary>
    public string? BotOwnerUserId { get; set; }

    /// <summary>Misunderstood messages in a row after which the assistant offers a human.</summary>
    public int MissesBeforeHandoffOffer { get; set; } = 3;

    /// <summary>Length of a booked meeting when the user names none.</summary>
    public int DefaultMeetingMinutes { get; set; } = 30;

    /// <summary>Leads an anonymous visitor's session may create (CHAT_ANON_MAX_LEADS); signed-in users have no such cap.</summary>
    public int AnonymousMaxLeads { get; set; } = 1;

    /// <summary>Meetings an anonymous visitor's session may book (CHAT_ANON_MAX_MEETINGS).</summary>
    public int AnonymousMaxMeetings { get; set; } = 1;

    /// <summary>
    /// The semantic layer of the language engine (CHAT_EMBEDDINGS, default on): a local sentence-embedding model
    /// decides what the rules are not sure of. Off, or a model that cannot be loaded: the rules alone.
    /// </summary>
    public bool Embeddings { get; set; } = true;

    /// <summary>Where the example vectors are cached between restarts (DATA_DIR/chat-embeddings); null: not cached.</summary>
    public string? EmbeddingCacheDirectory { get; set; }

    /// <summary>The optional language model (CHAT_LLM_*); null (default) = the deterministic assistant alone.</summary>
    public LlmSettings? Llm { get; set; }
}
