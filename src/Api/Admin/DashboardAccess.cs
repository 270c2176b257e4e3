using System.Security.Claims;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Http;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;

namespace CrmChatbot.Api.Admin;

/// <summary>
/// The Orleans dashboard at <c>/dashboard</c>, for admins only. A browser navigating to a page
/// sends no Authorization header, so an admin first calls <c>POST /api/admin/dashboard-session</c>
/// with their bearer token; the answer stores that same token in an HttpOnly, SameSite=Strict
/// cookie scoped to <c>/dashboard</c>, and only dashboard requests read it. Every request is then
/// checked like any bearer request (signature, expiry, account still an active admin).
/// </summary>
public static class DashboardAccess
{
    public const string Path = "/dashboard";
    public const string CookieName = "crm_dashboard";

    /// <summary>Silo side: the dashboard's grains, counters and profiler, plus the cookie reading.</summary>
    public static ISiloBuilder AddCrmDashboard(this ISiloBuilder silo)
    {
        // Cluster counters and Orleans' meters (via an OpenTelemetry reader) are sampled once a second;
        // the per-call profiling filter only times calls while someone watches (and a minute after).
        // Measured cost with nobody watching: roughly +10-25% CPU per simple API request (README).
        silo.AddDashboard();
        silo.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            var previous = options.Events.OnMessageReceived;
            options.Events.OnMessageReceived = async context =>
            {
                await previous(context);
                if (context.Token is null && context.Request.Headers.Authorization.Count == 0 &&
                    context.Request.Path.StartsWithSegments(Path) &&
                    context.Request.Cookies.TryGetValue(CookieName, out var token) && token.Length > 0)
                {
                    context.Token = token;
                }
            };
        });
        return silo;
    }

    /// <summary>Maps the dashboard's page and data endpoints behind the admin policy.</summary>
    public static void MapCrmDashboard(this IEndpointRouteBuilder routes)
    {
        routes.MapOrleansDashboard(Path)
            .RequireAuthorization(Policies.Admin)
            .ExcludeFromDescription()
            .AddEndpointFilter(async (context, next) =>
            {
                // The grain-state view calls parameterless grain methods by reflection (it could run
                // one that changes data) and shows raw state such as password hashes: refuse it.
                if (context.HttpContext.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern } &&
                    pattern.EndsWith("/GrainState", StringComparison.Ordinal))
                {
                    return Problems.NotFound("Grain state inspection is turned off on this service.");
                }

                try
                {
                    return await next(context);
                }
                catch (Exception e) when (IsBadSiloAddress(e) && !context.HttpContext.Response.HasStarted)
                {
                    // The silo views activate a proxy grain keyed by the address in the path, which fails on
                    // one that does not parse (was a 500): that is the caller's mistake.
                    return Problems.Validation("address", "is not a silo address of this cluster");
                }
            });
    }

    private static bool IsBadSiloAddress(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is FormatException && e.Message.Contains("SiloAddress", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Stores the caller's bearer token in the dashboard cookie, until the token expires.</summary>
    public static IResult StartSession(HttpContext http, ClaimsPrincipal principal)
    {
        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ||
            !long.TryParse(principal.FindFirstValue("exp"), System.Globalization.CultureInfo.InvariantCulture, out var expiresAtSeconds))
        {
            return Problems.Unauthorized("Send 'Authorization: Bearer <access_token>' to start a dashboard session.");
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(expiresAtSeconds);
        http.Response.Cookies.Append(CookieName, header[scheme.Length..].Trim(), Cookie(http, expiresAt));
        return TypedResults.Ok(new DashboardSession(Path + "/", expiresAt));
    }

    public static IResult EndSession(HttpContext http)
    {
        http.Response.Cookies.Delete(CookieName, Cookie(http, null));
        return TypedResults.NoContent();
    }

    private static CookieOptions Cookie(HttpContext http, DateTimeOffset? expiresAt) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = Path,
        Expires = expiresAt,
        IsEssential = true,
    };
}
