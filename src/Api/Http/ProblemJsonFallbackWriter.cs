using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Api.Http;

/// <summary>
/// Writes a problem as <c>application/problem+json</c> when the default writer declines because the
/// request's <c>Accept</c> does not include JSON (<c>Accept: application/xml</c>, <c>text/calendar</c>).
/// Without it <see cref="IProblemDetailsService.WriteAsync"/> throws, and a 401, 403 or 503 for such
/// a request became a 500. Registered after the default writer, so it only takes what that one refuses.
/// </summary>
public sealed class ProblemJsonFallbackWriter(IOptions<ProblemDetailsOptions> problemOptions, IOptions<JsonOptions> jsonOptions) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        problemOptions.Value.CustomizeProblemDetails?.Invoke(context);
        var problem = context.ProblemDetails;
        problem.Status ??= context.HttpContext.Response.StatusCode;
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(
            problem, problem.GetType(), jsonOptions.Value.SerializerOptions, "application/problem+json", context.HttpContext.RequestAborted));
    }
}
