namespace CrmChatbot.Common;

/// <summary>
/// Existence checks of stored entities by collection, for links between kinds (a meeting's
/// lead_id or ticket_id, a lead's campaign_id) without depending on the other kind's grain.
/// Reads the store directly; never activates grains.
/// </summary>
public interface IEntityDirectory
{
    /// <summary>True when <paramref name="collection"/> (leads, tickets, ...) holds a document with this id.</summary>
    Task<bool> ExistsAsync(string collection, string id, CancellationToken cancellationToken = default);
}
