using System.Globalization;
using System.Threading.RateLimiting;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace CrmChatbot.Api.Http;

/// <summary>
/// Every rate-limiter policy of the API, registered here in one place: fixed windows per client address
/// (<see cref="ClientAddress"/>: IPv6 by /64, the forwarded address behind a trusted proxy) with no queue, so an attempt
/// over the limit is refused at once with 429 problem+json and Retry-After.
/// </summary>
public static class RateLimits
{
    /// <summary>Login and password change (they cost a password hash): LOGIN_RATE_PER_MINUTE per address.</summary>
    public const string Login = "auth-login";

    /// <summary>Registration: REGISTER_RATE_PER_HOUR per address.</summary>
    public const string Register = "auth-register";

    /// <summary>Starting a chat session: CHAT_SESSIONS_PER_HOUR_PER_ADDRESS per address.</summary>
    public const string ChatSessions = "chat-sessions-per-address";

    public static IServiceCollection AddCrmRateLimits(this IServiceCollection services, CrmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = WriteRateLimitedAsync;
            options.AddPolicy(Login, http => PerAddress(http, s => s.LoginRatePerMinute, TimeSpan.FromMinutes(1)));
            options.AddPolicy(Register, http => PerAddress(http, s => s.RegisterRatePerHour, TimeSpan.FromHours(1)));
            options.AddPolicy(ChatSessions, new SessionsPerAddress(settings.ChatSessionsPerHourPerAddress));
        });
    }

    /// <summary>A fixed window per client address, its limit read from the settings of the request's services.</summary>
    private static RateLimitPartition<string> PerAddress(HttpContext http, Func<CrmSettings, int> limit, TimeSpan window)
    {
        var permits = limit(http.RequestServices.GetRequiredService<CrmSettings>());
        return RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(http), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>The rejection of the login and registration limits.</summary>
    private static async ValueTask WriteRateLimitedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Too many attempts from your address. Try again in {seconds} seconds.",
            },
        });
    }

    /// <summary>
    /// A fixed one-hour window of chat session starts per client address, with its own rejection (the detail names
    /// the hourly limit): 429 problem+json with Retry-After.
    /// </summary>
    private sealed class SessionsPerAddress(int perHour) : IRateLimiterPolicy<string>
    {
        private static readonly TimeSpan Window = TimeSpan.FromHours(1);

        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, cancellationToken) =>
        {
            var http = context.HttpContext;
            var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : Window;
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await TypedResults.Problem($"Too many chat sessions started from this address: at most {perHour} per hour. Please try again later.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(http);
        };

        public RateLimitPartition<string> GetPartition(HttpContext httpContext) => RateLimitPartition.GetFixedWindowLimiter(
            ClientAddress.Of(httpContext),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perHour, Window = Window, QueueLimit = 0, AutoReplenishment = true });
    }
}
