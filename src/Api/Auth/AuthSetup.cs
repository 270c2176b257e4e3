using System.Security.Claims;
using CrmChatbot.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace CrmChatbot.Api.Auth;

public static class Policies
{
    public const string Staff = "staff";
    public const string Admin = "admin";
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
        return services;
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
