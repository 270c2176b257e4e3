using System.Text.Json;
using System.Text.Json.Serialization;
using CrmChatbot.Api.Admin;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Campaigns;
using CrmChatbot.Api.Chat;
using CrmChatbot.Api.Chat.Widget;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Api.Health;
using CrmChatbot.Api.Http;
using CrmChatbot.Api.Leads;
using CrmChatbot.Api.Tickets;
using CrmChatbot.Api.Meetings;
using CrmChatbot.Api.Observability;
using CrmChatbot.Api.OpenApi;
using CrmChatbot.Api.Users;
using CrmChatbot.Api.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using CrmChatbot.Common;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Api;

/// <summary>Cross-cutting setup of the HTTP API, in the spirit of a ServiceDefaults project.</summary>
public static class CrmApiExtensions
{
    public const string CorsPolicy = "crm";

    public static IServiceCollection AddCrmApi(this IServiceCollection services, CrmSettings settings)
    {
        services.AddSingleton(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(options => Configure(options.SerializerOptions));
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Problems carry the request path and a trace id, never exception details.
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions.TryAdd("trace_id", context.HttpContext.TraceIdentifier);
        });
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonFallbackWriter>(); // after the default one: see the class
        services.AddCrmAuth();
        services.AddCrmRateLimits(settings);
        services.AddCrmChatHubAccounts();
        services.AddCrmOpenApi();
        services.AddCrmHealthChecks();
        services.AddCrmChat();
        services.AddCrmObservability(settings);
        services.AddCors(options => options.AddPolicy(CorsPolicy, policy =>
        {
            // No CORS_ORIGINS: no origin is allowed cross-origin (the service's own pages are same-origin).
            if (settings.CorsOrigins.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else if (settings.CorsOrigins.Count > 0)
            {
                policy.WithOrigins([.. settings.CorsOrigins]).AllowCredentials();
            }

            policy.AllowAnyHeader().AllowAnyMethod().WithExposedHeaders("Location", "Retry-After", "ETag", IdempotencyMiddleware.ReplayedHeader);
        }));
        return services;
    }

    /// <summary>snake_case names and enum values, as the original API spoke.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
    }

    public static WebApplication MapCrmApi(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<CrmSettings>();
        app.UseCrmMetricsPort(settings);
        if (settings.KnownProxies.Count > 0)
        {
            // Only these proxies may say who the client is and whether it came over HTTPS: RemoteIpAddress and
            // Request.IsHttps (Secure cookies, HSTS) then describe the client. From anyone else the headers are ignored.
            var forwarded = new ForwardedHeadersOptions
            {
                ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
                ForwardLimit = null, // walk back through every trusted proxy of a chain, stop at the first untrusted address
            };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear(); // no implicit loopback trust
            foreach (var network in settings.KnownProxies)
            {
                forwarded.KnownIPNetworks.Add(network);
            }

            app.UseForwardedHeaders(forwarded);
        }

        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler(handler => handler.Run(WriteUnhandledAsync));
        app.UseStatusCodePages();
        app.UseCors(CorsPolicy);
        // Per-address limits (login and register in Auth/AuthSetup, chat session starts in Chat/ChatEndpoints),
        // before any token or body is read.
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<QueryStringGuard>();
        app.UseMiddleware<IdempotencyMiddleware>();

        if (settings.DocsEnabled)
        {
            app.MapCrmDocs();
        }

        app.MapCrmHealth();
        // Login, register and whatever else the auth group adds hand out tokens: never stored by Idempotency-Key.
        app.MapAuthEndpoints().WithMetadata(new IdempotencyExempt());
        app.MapUserEndpoints();
        app.MapLeadEndpoints();
        app.MapLeadImportEndpoints();
        app.MapCampaignEndpoints();
        app.MapTicketEndpoints();
        app.MapMeetingEndpoints();
        app.MapChatEndpoints();
        app.MapChatWidget();
        app.MapWebhookEndpoints();
        app.MapAdminEndpoints(settings);
        app.MapCrmMetrics();
        return app;
    }

    private const string StorageRetryAfterSeconds = "5";

    private const string ClusterRetryAfterSeconds = "2";

    /// <summary>Orleans may wrap storage exceptions; the cause decides the status.</summary>
    private static T? Find<T>(Exception? error)
        where T : Exception
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    /// <summary>Last resort: a problem without internals. Client mistakes never get here.</summary>
    private static async Task WriteUnhandledAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (Find<StorageUnavailableException>(error) is not null)
        {
            // The store is down or slow: a retryable condition, not a server bug.
            context.Response.Headers.RetryAfter = StorageRetryAfterSeconds;
            error = Find<StorageUnavailableException>(error);
        }
        else if (((Exception?)Find<OrleansMessageRejectionException>(error) ?? Find<TimeoutException>(error)) is { } unavailable)
        {
            // A silo died or is leaving: until membership votes it out, calls to the grains it hosted
            // are rejected or time out. The cluster recovers by itself, so the client should retry.
            context.Response.Headers.RetryAfter = ClusterRetryAfterSeconds;
            error = unavailable;
        }

        var (status, title, detail) = error switch
        {
            StorageUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The data store is unreachable or did not answer in time; the change may not have been applied. Retry later."),
            OrleansMessageRejectionException or TimeoutException => (StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "A cluster node holding this record is unavailable or did not answer in time; the change may not have been applied. Retry later."),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            _ when Find<InconsistentStateException>(error) is not null => (StatusCodes.Status409Conflict, "Conflict",
                "The record was changed concurrently; reload it and try again."),
            _ => (StatusCodes.Status500InternalServerError, "Internal server error",
                "The server failed to handle the request. It has been logged."),
        };
        if (status >= 500)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>()
                .CreateLogger("CrmChatbot.Api").LogError(error, "Unhandled error on {Path}", context.Request.Path);
        }

        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
