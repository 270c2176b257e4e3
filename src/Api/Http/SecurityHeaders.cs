using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace CrmChatbot.Api.Http;

/// <summary>
/// Standard security headers on every response, set as the response starts (so error pages get them too):
/// <c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy: no-referrer</c>, a Content-Security-Policy and
/// <c>X-Frame-Options: DENY</c>, and HSTS on HTTPS requests outside Development. JSON and everything else gets the
/// strictest policy (<see cref="ApiPolicy"/>); the HTML pages get what they need: the docs page (<see cref="DocsPolicy"/>)
/// and the Orleans dashboard (<see cref="DashboardPolicy"/>). A response that already carries a CSP (the chat widget
/// sets its own) keeps it, and then gets no X-Frame-Options: its CSP's frame-ancestors rules.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next, IHostEnvironment environment)
{
    /// <summary>Nothing may load or frame a JSON response.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>Swagger UI: its own scripts and styles (it sets some styles inline), the document it fetches, data: images.</summary>
    public const string DocsPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The Orleans dashboard: a single-page app from this service, polling it and styling inline.</summary>
    public const string DashboardPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>One year; sent only on HTTPS requests, as browsers ignore it on plain HTTP.</summary>
    public const string Hsts = "max-age=31536000";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var (context, development) = ((HttpContext, bool))state;
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (headers.ContentSecurityPolicy.Count == 0)
            {
                var path = context.Request.Path;
                headers.ContentSecurityPolicy = path.StartsWithSegments("/docs") ? DocsPolicy
                    : path.StartsWithSegments(Admin.DashboardAccess.Path) ? DashboardPolicy
                    : ApiPolicy;
                headers.XFrameOptions = "DENY";
            }

            if (context.Request.IsHttps && !development)
            {
                headers.StrictTransportSecurity = Hsts;
            }

            return Task.CompletedTask;
        }, (context, environment.IsDevelopment()));
        return next(context);
    }
}
