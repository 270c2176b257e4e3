using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace CrmChatbot.Api.Auth;

public static class Policies
{
    public const string Staff = "staff";
    public const string Admin = "admin";
}

/// <summary>Rate-limiter policies of the anonymous endpoints that cost a password hash, per client address.</summary>
public static class RateLimits
{
    /// <summary>Login and password change: LOGIN_RATE_PER_MINUTE per address.</summary>
    public const string Login = "auth-login";

    /// <summary>Registration: REGISTER_RATE_PER_HOUR per address.</summary>
    public const string Register = "auth-register";
}

public static class AuthSetup
{
    public static IServiceCollection AddCrmAuth(this IServiceCollection services)
    {
        services.AddSingleton<JwtTokens>();
        services.AddSingleton<UserAccountCache>();
        services.AddSingleton<IUserAccountChanges>(sp => sp.GetRequiredService<UserAccountCache>());
        services.AddSingleton<AccountCheck>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<JwtTokens>((options, tokens) =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = tokens.ValidationParameters();
                options.Events = new JwtBearerEvents
                {
                    OnMessageReceived = ReadHubToken,
                    OnTokenValidated = CheckAccountAsync,
                    OnChallenge = WriteChallengeAsync,
                    OnForbidden = context => WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden,
                        "Forbidden", "Your role does not allow this action."),
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, p => p.RequireRole(UserRoles.Admin, UserRoles.Agent))
            .AddPolicy(Policies.Admin, p => p.RequireRole(UserRoles.Admin));
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = WriteRateLimitedAsync;
            options.AddPolicy(RateLimits.Login, http => PerAddress(http, s => s.LoginRatePerMinute, TimeSpan.FromMinutes(1)));
            options.AddPolicy(RateLimits.Register, http => PerAddress(http, s => s.RegisterRatePerHour, TimeSpan.FromHours(1)));
        });
        return services;
    }

    /// <summary>A fixed window per client address (no queue: an attempt over the limit is refused at once).</summary>
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

    private static async ValueTask WriteRateLimitedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await WriteProblemAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"Too many attempts from your address. Try again in {seconds} seconds.");
    }

    /// <summary>A signature is not enough: <see cref="AccountCheck"/> (the account still exists and is active; its current role applies).</summary>
    private static async Task CheckAccountAsync(TokenValidatedContext context)
    {
        var standing = await context.HttpContext.RequestServices.GetRequiredService<AccountCheck>()
            .CheckAsync(context.Principal ?? new ClaimsPrincipal());
        if (standing.User is not { } user)
        {
            context.Fail(standing.Failure!);
            return;
        }

        context.Principal = AccountCheck.WithCurrentAccount(context.Principal!, user);
    }

    /// <summary>Browsers cannot set headers on WebSockets: hub connections send the token as <c>access_token</c>.</summary>
    private static Task ReadHubToken(MessageReceivedContext context)
    {
        if (context.HttpContext.Request.Path.StartsWithSegments("/hubs") &&
            context.Request.Query["access_token"].ToString() is { Length: > 0 } token)
        {
            context.Token = token;
        }

        return Task.CompletedTask;
    }

    private static Task WriteChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        context.Response.Headers.WWWAuthenticate = "Bearer";
        var detail = context.AuthenticateFailure switch
        {
            null => "Authentication is required: send 'Authorization: Bearer <access_token>'.",
            SecurityTokenExpiredException => "The access token has expired.",
            { Message: var message } when context.AuthenticateFailure is not SecurityTokenException => message,
            _ => "The access token is invalid.",
        };
        return WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    private static async Task WriteProblemAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        var writer = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await writer.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
