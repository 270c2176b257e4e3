using Microsoft.AspNetCore.Builder;

namespace CrmChatbot.Api.OpenApi;

/// <summary>
/// Marks endpoints that anyone may call but that act on the caller's identity when a bearer token is
/// sent (the chat's visitor sessions). The document declares their security as "none, or bearer".
/// </summary>
public sealed class OptionalAuthentication
{
    public static readonly OptionalAuthentication Instance = new();

    private OptionalAuthentication()
    {
    }
}

public static class OptionalAuthenticationExtensions
{
    public static TBuilder WithOptionalAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(OptionalAuthentication.Instance);
}
