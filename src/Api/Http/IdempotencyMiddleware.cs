using System.Security.Cryptography;
using System.Text;
using CrmChatbot.Api.Auth;
using CrmChatbot.Common;
using CrmChatbot.Idempotency;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace CrmChatbot.Api.Http;

/// <summary>
/// <c>Idempotency-Key</c> on POST: the first successful response for a key (per caller) is stored, and a repeat
/// of the same request gets that response again instead of running twice; the same key with a different request
/// (method, path, query string, content type or body) is 422, and a repeat while the first still runs is 409.
/// Records expire after <see cref="IdempotencyOptions.Retention"/> (24 h) and are then deleted. Endpoints marked
/// <see cref="IdempotencyExempt"/> (sign-in and everything else handing out a secret) ignore the header, and a
/// response that sets a cookie is never stored. Signed-in callers have their own keys (per user id); anonymous
/// callers have keys per client address (the proxy-resolved one, see KNOWN_PROXIES) and chat-visitor token.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || !request.Headers.TryGetValue(Header, out var values) ||
            !request.Path.StartsWithSegments("/api", StringComparison.Ordinal) ||
            context.GetEndpoint()?.Metadata.GetMetadata<IdempotencyExempt>() is not null)
        {
            await next(context);
            return;
        }

        var key = values.ToString();
        if (key.Length is 0 or > 255 || key.Any(c => c < 0x21 || c > 0x7e))
        {
            await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Invalid Idempotency-Key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters.");
            return;
        }

        request.EnableBuffering(JsonBody.MaxBytes);
        var fingerprint = await FingerprintAsync(request, context.RequestAborted);
        if (fingerprint is null)
        {
            await next(context); // too large: the endpoint answers 413
            return;
        }

        var grain = context.RequestServices.GetRequiredService<IGrainFactory>()
            .Reference<IIdempotencyGrain>(Hash($"{Scope(context)}\n{key}"));
        var decision = await grain.BeginAsync(fingerprint);
        switch (decision.Outcome)
        {
            case IdempotencyOutcome.Replay:
                await ReplayAsync(context, decision.Response!);
                return;
            case IdempotencyOutcome.InProgress:
                await WriteProblemAsync(context, StatusCodes.Status409Conflict, "Request in progress",
                    "A request with this Idempotency-Key is still being processed; retry shortly.");
                return;
            case IdempotencyOutcome.Mismatch:
                await WriteProblemAsync(context, StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused",
                    "This Idempotency-Key was already used with a different request.");
                return;
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        catch
        {
            await grain.AbandonAsync(fingerprint);
            throw;
        }
        finally
        {
            context.Response.Body = original;
        }

        var response = context.Response;
        // A response that sets a cookie hands the caller a secret (e.g. the dashboard session): never kept at rest.
        if (response.StatusCode is >= 200 and < 300 && response.Headers.SetCookie.Count == 0)
        {
            await grain.CompleteAsync(fingerprint, new StoredResponse(
                response.StatusCode, response.ContentType, Encoding.UTF8.GetString(buffer.ToArray()),
                response.Headers.Location.ToString() is { Length: > 0 } location ? location : null,
                response.Headers.ETag.ToString() is { Length: > 0 } etag ? etag : null));
        }
        else
        {
            // Failures changed nothing: the client may fix the request and use the key again.
            await grain.AbandonAsync(fingerprint);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    /// <summary>
    /// Whose key space a key belongs to. Anonymous callers share no scope: their keys are per client address
    /// (behind a proxy the forwarded one, when the proxy is in KNOWN_PROXIES) and, for chat visitors, per session token.
    /// </summary>
    private static string Scope(HttpContext context) => context.User.Identity?.IsAuthenticated == true
        ? "user\n" + context.User.UserId()
        : $"anonymous\n{context.Connection.RemoteIpAddress?.ToString() ?? "unknown"}\n{context.Request.Headers[Chat.ChatEndpoints.TokenHeader]}";

    /// <summary>What makes two requests "the same": method, path, query string, content type and body.</summary>
    private static async Task<string?> FingerprintAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(
            $"{request.Method}\n{request.PathBase}{request.Path}\n{request.QueryString}\n{request.ContentType}\n"));
        var chunk = new byte[16 * 1024];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            total += read;
            if (total > JsonBody.MaxBytes)
            {
                request.Body.Position = 0;
                return null;
            }

            sha.AppendData(chunk, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    private static async Task ReplayAsync(HttpContext context, StoredResponse stored)
    {
        var response = context.Response;
        response.StatusCode = stored.Status;
        response.Headers[ReplayedHeader] = "true";
        if (stored.Location is not null)
        {
            response.Headers.Location = stored.Location;
        }

        if (stored.ETag is not null)
        {
            response.Headers.ETag = stored.ETag;
        }

        if (stored.ContentType is not null)
        {
            response.ContentType = stored.ContentType;
        }

        await response.WriteAsync(stored.Body, context.RequestAborted);
    }

    private static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}

/// <summary>
/// Endpoint metadata: Idempotency-Key is ignored and nothing is stored. For responses that hand out a secret
/// (access tokens of the auth endpoints, a visitor's chat token): a stored copy would keep it at rest, and a
/// replay could give it to someone else.
/// </summary>
public sealed class IdempotencyExempt;
