using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace CrmChatbot.Api.Chat.Widget;

/// <summary>
/// The chat widget page (<c>GET /chat</c>, <c>/chat?agent</c> for staff) and its static assets, embedded in
/// this assembly so the service needs no web root. Asset URLs carry a content hash, so they can be cached
/// for a year; the page itself is always revalidated.
/// </summary>
public static class ChatWidgetEndpoints
{
    private const string ResourcePrefix = "chat-widget/";
    private const string PagePath = "/chat";
    private const string AssetsPath = "/chat/assets";

    // The page may load scripts, styles and data only from this service (no CDN), and open its hub socket.
    private const string ContentSecurityPolicy =
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

    private static readonly Lazy<WidgetFiles> Files = new(WidgetFiles.Load);

    public static IEndpointRouteBuilder MapChatWidget(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(string.Empty).ExcludeFromDescription().AllowAnonymous();
        group.MapGet(PagePath, (HttpContext context) => Serve(context, Files.Value.Page, immutable: false));
        group.MapGet(AssetsPath + "/{file}", (string file, HttpContext context) =>
            Files.Value.Assets.TryGetValue(file, out var asset)
                // Only a request for the current hash may be cached for good; an old URL revalidates.
                ? Serve(context, asset, immutable: context.Request.Query["v"] == asset.Hash)
                : Results.NotFound());
        return routes;
    }

    private static IResult Serve(HttpContext context, WidgetFile file, bool immutable)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = immutable ? "public, max-age=31536000, immutable" : "no-cache";
        headers.ETag = file.ETag;
        headers.XContentTypeOptions = "nosniff";
        if (file.IsPage)
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers["Referrer-Policy"] = "no-referrer";
        }

        var ifNoneMatch = context.Request.Headers.IfNoneMatch;
        return ifNoneMatch.Count > 0 && ifNoneMatch.ToString().Contains(file.ETag, StringComparison.Ordinal)
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(file.Content, file.ContentType);
    }

    private sealed record WidgetFile(byte[] Content, string ContentType, string Hash, bool IsPage)
    {
        public string ETag => $"\"{Hash}\"";
    }

    private sealed record WidgetFiles(WidgetFile Page, FrozenDictionary<string, WidgetFile> Assets)
    {
        public static WidgetFiles Load()
        {
            var assembly = typeof(ChatWidgetEndpoints).Assembly;
            var assets = assembly.GetManifestResourceNames()
                .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name != ResourcePrefix + "index.html")
                .Select(name => name[ResourcePrefix.Length..])
                .Select(file => (file, content: Read(assembly, file)))
                .Where(asset => ContentTypeOf(asset.file) is not null)
                .ToFrozenDictionary(asset => asset.file, asset => Create(asset.content, ContentTypeOf(asset.file)!, isPage: false), StringComparer.Ordinal);

            // {{file}} in the page becomes that asset's hashed URL.
            var page = Encoding.UTF8.GetString(Read(assembly, "index.html"));
            foreach (var (file, asset) in assets)
            {
                page = page.Replace("{{" + file + "}}", $"{AssetsPath}/{file}?v={asset.Hash}", StringComparison.Ordinal);
            }

            return new WidgetFiles(Create(Encoding.UTF8.GetBytes(page), "text/html; charset=utf-8", isPage: true), assets);
        }

        private static WidgetFile Create(byte[] content, string contentType, bool isPage) =>
            new(content, contentType, Convert.ToHexStringLower(SHA256.HashData(content))[..16], isPage);

        private static string? ContentTypeOf(string file) => Path.GetExtension(file) switch
        {
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => null,
        };

        private static byte[] Read(Assembly assembly, string file)
        {
            using var stream = assembly.GetManifestResourceStream(ResourcePrefix + file)
                ?? throw new InvalidOperationException($"The chat widget file {file} is not embedded.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
