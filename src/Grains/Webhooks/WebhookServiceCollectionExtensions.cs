using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>Webhook delivery: options, the sender and its HTTP client (timeouts, no redirects, the private-network guard).</summary>
    public static IServiceCollection AddCrmWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>();
        services.AddSingleton<WebhookSender>();
        services.AddHttpClient(WebhookSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan) // the sender's own timeout applies
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookSender.CreateHandler(sp.GetRequiredService<IOptions<WebhookOptions>>().Value));
        return services;
    }
}
