using CrmChatbot.Chat.Broadcast;
using CrmChatbot.Chat.Language;
using CrmChatbot.Chat.Language.Semantic;
using CrmChatbot.Chat.Llm;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace CrmChatbot.Chat.Dialogue;

public static class ChatServiceCollectionExtensions
{

    /// <summary>The chat assistant: language engine, FAQ knowledge (from <see cref="ChatOptions.FaqPath"/>) and dialogue manager.</summary>
    public static IServiceCollection AddCrmChat(this IServiceCollection services, Action<ChatOptions>? configure = null)
    {
        var options = services.AddOptions<ChatOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var chat = sp.GetRequiredService<IOptions<ChatOptions>>().Value;
            return new LanguageEngine(chat.Embeddings
                ? SemanticIntentClassifier.CreateDefault(sp.GetRequiredService<ILogger<SemanticIntentClassifier>>(), chat.EmbeddingCacheDirectory)
                : null);
        });
        services.AddHostedService<ChatModelWarmUp>();
        services.TryAddSingleton(sp => LoadFaq(sp.GetRequiredService<IOptions<ChatOptions>>().Value.FaqPath));
        services.TryAddSingleton<DialogueManager>();
        services.TryAddSingleton<ChatTools>();
        services.TryAddSingleton<IDialogueManager>(sp =>
        {
            var chat = sp.GetRequiredService<IOptions<ChatOptions>>();
            var deterministic = sp.GetRequiredService<DialogueManager>();
            return chat.Value.Llm is not { } llm
                ? deterministic
                : new LlmDialogueManager(deterministic, LlmDialogueManager.CreateClient(llm),
                    sp.GetRequiredService<ChatTools>(), sp.GetRequiredService<TimeProvider>(), llm, chat,
                    sp.GetRequiredService<ILogger<LlmDialogueManager>>());
        });
        services.AddCrmChatBroadcast();
        return services;
    }

    /// <summary>Live chat updates and account-change notices delivered on every silo (<see cref="ClusterChatBroadcast"/>, <see cref="ClusterUserAccountChanges"/>); idempotent.</summary>
    public static IServiceCollection AddCrmChatBroadcast(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IChatBroadcast)))
        {
            return services;
        }

        services.AddSingleton<IChatBroadcast, ClusterChatBroadcast>();
        services.TryAddSingleton<IChatSessionEvents, BroadcastChatSessionEvents>();
        // One more listener of the user grain: account changes reach the live connections of every silo.
        services.AddSingleton<ClusterUserAccountChanges>();
        services.AddSingleton<Users.IUserAccountChanges>(sp => sp.GetRequiredService<ClusterUserAccountChanges>());
        services.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();
        return services;
    }

    /// <summary>Reads the knowledge file; a missing file is a configuration error worth failing loudly on.</summary>
    public static FaqKnowledge LoadFaq(string path)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
        if (!File.Exists(full))
        {
            throw new InvalidOperationException($"The chat FAQ file '{full}' does not exist (ChatOptions.FaqPath).");
        }

        return FaqKnowledge.Load(full);
    }
}
