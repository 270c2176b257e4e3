using CrmChatbot.Api;
using CrmChatbot.Api.Admin;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Api.Http;
using CrmChatbot.Chat.Dialogue;
using CrmChatbot.Common;
using CrmChatbot.Meetings;
using CrmChatbot.Storage.Membership;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Reminders;
using CrmChatbot.Storage.Sqlite;
using CrmChatbot.Storage.Timeline;
using CrmChatbot.Users;
using Orleans.Configuration;

namespace CrmChatbot.Silo;

/// <summary>Composes the one process: Orleans silo, storage, grains and the co-hosted API.</summary>
public static class SiloHost
{
    public static void AddCrmSilo(this WebApplicationBuilder builder, CrmSettings settings)
    {
        builder.WebHost.UseUrls(settings.Telemetry.MetricsPort is { } metricsPort
            ? [$"http://{settings.Host}:{settings.Port}", $"http://{settings.Host}:{metricsPort}"]
            : [$"http://{settings.Host}:{settings.Port}"]);
        if (settings.Telemetry.LogFormat == LogFormat.Json)
        {
            // One JSON object per line; scopes carry the request's TraceId and SpanId.
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        // Kestrel enforces the body limit too, for requests that do not go through JsonBody.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = JsonBody.MaxBytes);

        // Quiet framework chatter by default; Logging__LogLevel__<Category> in the environment overrides.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

        // SIGTERM: readiness off, the drain, in-flight requests finish, then the silo leaves the cluster
        // gracefully (its row ends Dead). Orleans stops ungracefully if this runs out, so it covers all of it.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(settings.ShutdownTimeoutSeconds));

        builder.UseOrleans(silo =>
        {
            if (settings.Telemetry.OtlpEndpoint is not null)
            {
                // Grain calls become spans in the request's trace (see Api/Observability).
                silo.AddActivityPropagation();
            }

            if (settings.Clustering == ClusteringMode.Mongo)
            {
                silo.Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = settings.ClusterId;
                    options.ServiceId = settings.ServiceId;
                });
                silo.ConfigureEndpoints(
                    settings.AdvertisedIp ?? System.Net.IPAddress.Loopback, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
                silo.UseMongoClustering();
                silo.ConfigureDefunctSiloCleanup(
                    TimeSpan.FromMinutes(settings.MembershipCleanupPeriodMinutes), TimeSpan.FromHours(settings.MembershipDefunctSiloHours));
                if (settings.MembershipProbeTimeoutSeconds is { } probeTimeout)
                {
                    silo.Configure<ClusterMembershipOptions>(options => options.ProbeTimeout = TimeSpan.FromSeconds(probeTimeout));
                }
            }
            else
            {
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
            }

            if (settings.GrainCollectionAgeSeconds is { } collectionAge)
            {
                // Orleans checks for idle activations every quantum: keep it below the age, or grains outlive it by a minute.
                var age = TimeSpan.FromSeconds(collectionAge);
                silo.Configure<GrainCollectionOptions>(options =>
                {
                    options.CollectionAge = age;
                    options.CollectionQuantum = TimeSpan.FromSeconds(Math.Min(60, Math.Max(1, collectionAge / 4)));
                });
            }

            if (settings.MongoUrl is null)
            {
                silo.Services.AddSqliteCrmStorage(
                    settings.DataDir, settings.SqliteSynchronousNormal ? SqliteDurability.Normal : SqliteDurability.Full);
                silo.Services.AddSqliteCrmReminders();
            }
            else
            {
                silo.Services.AddMongoCrmStorage(StoreStartup.MongoOptions(settings));
                silo.Services.AddMongoCrmReminders();
                silo.Services.AddMongoCrmTimeline();
            }

            silo.Services.AddCrmGrains();
            if (settings.DashboardEnabled)
            {
                // Admin-only Orleans dashboard at /dashboard (mapped by MapCrmApi, see Api/Admin/DashboardAccess).
                silo.AddCrmDashboard();
            }

            silo.Services.Configure<CrmChatbot.Tickets.TicketSlaOptions>(options =>
            {
                options.FirstResponse = settings.TicketSla.FirstResponse;
                options.Resolution = settings.TicketSla.Resolution;
            });
            silo.Services.Configure<CrmChatbot.Tickets.TicketQuotaOptions>(options =>
            {
                options.MaxOpenTicketsPerClient = settings.TicketQuotas.MaxOpenTicketsPerClient;
                options.ClientCommentsPerHour = settings.TicketQuotas.ClientCommentsPerHour;
                options.ClientStatusChangesPerDay = settings.TicketQuotas.ClientStatusChangesPerDay;
            });
            silo.Services.Configure<CrmChatbot.Chat.ChatSessionOptions>(options =>
            {
                options.IdleTimeout = TimeSpan.FromMinutes(settings.ChatIdleMinutes);
                options.MessagesPerMinute = settings.ChatMessagesPerMinute;
            });
            silo.Services.Configure<CrmChatbot.Webhooks.WebhookOptions>(options =>
            {
                options.AllowPrivateNetworks = settings.Webhooks.AllowPrivateNetworks;
                options.Timeout = TimeSpan.FromSeconds(settings.Webhooks.TimeoutSeconds);
                options.RetryBase = TimeSpan.FromMilliseconds(settings.Webhooks.RetryBaseMilliseconds);
                options.RetryWindow = TimeSpan.FromMinutes(settings.Webhooks.RetryWindowMinutes);
                options.SecretOverlap = TimeSpan.FromHours(settings.Webhooks.SecretOverlapHours);
            });
            // The webhook dispatcher runs from the start (the outbox fills with every change) and resumes deliveries.
            silo.AddStartupTask(async (services, _) =>
            {
                try
                {
                    await services.GetRequiredService<IGrainFactory>().GetGrain<CrmChatbot.Webhooks.IWebhookDispatcherGrain>(0).WakeAsync();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Not a reason to refuse to start: the dispatcher's reminder (once registered) or the next start wakes it.
                    services.GetRequiredService<ILoggerFactory>().CreateLogger("CrmChatbot.Webhooks")
                        .LogWarning("The webhook dispatcher did not start: {Error}", ex.Message);
                }
            });
            silo.Services.Configure<MeetingOptions>(options => options.ReminderOffset = TimeSpan.FromMinutes(settings.MeetingReminderMinutes));
            silo.Services.AddCrmChat(options =>
            {
                options.FaqPath = settings.ChatFaqPath ?? options.FaqPath;
                options.BotOwnerUserId = settings.ChatBotOwnerUserId;
                options.Llm = settings.ChatLlm;
                options.AnonymousMaxLeads = settings.ChatAnonMaxLeads;
                options.AnonymousMaxMeetings = settings.ChatAnonMaxMeetings;
                options.Embeddings = settings.ChatEmbeddings;
                options.EmbeddingCacheDirectory = Path.Combine(settings.DataDir, "chat-embeddings");
            });
            silo.Services.Configure<LoginThrottleOptions>(options =>
            {
                options.MaxFailures = settings.LoginMaxFailures;
                options.Window = TimeSpan.FromMinutes(settings.LoginWindowMinutes);
                options.AccountMaxFailures = settings.LoginAccountMaxFailures;
                options.AccountWindow = TimeSpan.FromMinutes(settings.LoginAccountWindowMinutes);
            });
            silo.Services.Configure<PasswordHashingOptions>(options =>
            {
                options.Concurrency = settings.PasswordHashConcurrency;
                options.QueueLength = settings.PasswordHashQueue;
            });
        });

        builder.Services.AddCrmApi(settings);
        builder.Services.AddHostedService<AdminBootstrapper>();
    }
}
