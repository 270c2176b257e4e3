using CrmChatbot.Chat.Dialogue;
using CrmChatbot.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrmChatbot.Common;

public static class GrainServiceCollectionExtensions
{
    /// <summary>Services the CRM grains depend on (clock, login throttling, password and idempotency options, the bounded password hasher).</summary>
    public static IServiceCollection AddCrmGrains(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<LoginThrottleOptions>();
        services.AddOptions<PasswordOptions>();
        services.AddOptions<CrmChatbot.Idempotency.IdempotencyOptions>();
        services.AddOptions<PasswordHashingOptions>();
        services.TryAddSingleton<IPasswordHashAlgorithm, BCryptPasswordHashAlgorithm>();
        services.TryAddSingleton<PasswordHasher>();
        services.AddCrmChat();
        CrmChatbot.Webhooks.WebhookServiceCollectionExtensions.AddCrmWebhooks(services);
        return services;
    }
}
