using System.Globalization;
using CrmChatbot.Common;
using Microsoft.AspNetCore.Http;

namespace CrmChatbot.Api.Http;

/// <summary>Entity versions as HTTP entity tags: <c>ETag: "7"</c>, and <c>If-Match</c> preconditions.</summary>
public static class Versions
{
    public static string ToETag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// The version an If-Match header requires: null when absent or <c>*</c>; -1 (matches nothing,
    /// so 412) for weak or foreign tags, which never match strongly.
    /// </summary>
    public static long? IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return null;
        }

        return header.Length > 2 && header[0] == '"' && header[^1] == '"' &&
               long.TryParse(header.AsSpan(1, header.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : -1;
    }
}

/// <summary>Adds the ETag header to every successful response whose value carries a version.</summary>
public sealed class ETagFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        // Typed Results<...> unions wrap the result that will run.
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        if (inner is IValueHttpResult { Value: IVersioned versioned } &&
            inner is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 })
        {
            context.HttpContext.Response.Headers.ETag = Versions.ToETag(versioned.Version);
        }

        return result;
    }
}
