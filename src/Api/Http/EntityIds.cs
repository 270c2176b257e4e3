namespace CrmChatbot.Api.Http;

/// <summary>
/// Ids in URLs are checked before they reach a grain: an id we could never have issued is simply
/// not found, and never becomes a grain key or a storage key (stores limit key sizes).
/// </summary>
public static class EntityIds
{
    public const int MaxLength = 64;

    public static bool IsPlausible(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength &&
        id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
