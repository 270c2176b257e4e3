using CrmChatbot.Chat.Language;
using CrmChatbot.Chat.Language.Semantic;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>Locates the shipped FAQ sample so tests exercise the same file operators start from.</summary>
internal static class LanguageTestSupport
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<FaqKnowledge> SampleFaq = new(() => FaqKnowledge.Load(FindRepoFile("src/Grains/Chat/Language/faq.sample.json")));

    public static FaqKnowledge Faq => SampleFaq.Value;

    /// <summary>
    /// The engine as shipped: rules plus embeddings, unless the environment says CHAT_EMBEDDINGS=off (so any corpus
    /// test can be run both ways). The model loads once per test process, on first use.
    /// </summary>
    public static LanguageEngine Engine =>
        string.Equals(Environment.GetEnvironmentVariable("CHAT_EMBEDDINGS"), "off", StringComparison.OrdinalIgnoreCase) ? RulesOnly : WithEmbeddings;

    /// <summary>The rules alone (CHAT_EMBEDDINGS=off).</summary>
    public static LanguageEngine RulesOnly => Rules.Value;

    /// <summary>Rules plus the shipped semantic classifier, shared by every test of the process.</summary>
    public static LanguageEngine WithEmbeddings => Semantic.Value;

    private static readonly Lazy<LanguageEngine> Rules = new(() => new LanguageEngine());

    private static readonly Lazy<LanguageEngine> Semantic = new(() =>
        new LanguageEngine(SemanticIntentClassifier.CreateDefault(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)));

    public static ChatContext Context(string zone = "Europe/Berlin", Intent? pending = null, string? expected = null, IReadOnlyDictionary<string, string>? slots = null) =>
        new(Now, zone, pending, expected, slots, Faq);

    public static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"'{relative}' not found above {AppContext.BaseDirectory}.");
    }
}
