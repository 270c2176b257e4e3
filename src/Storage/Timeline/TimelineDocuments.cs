namespace CrmChatbot.Storage.Timeline;

/// <summary>The <c>timeline</c> collection: one document per entry, <c>_id</c> = entry id.</summary>
public static class TimelineDocuments
{
    public const string Collection = "timeline";
    public const string EntityKind = "entity_kind";
    public const string EntityId = "entity_id";
    public const string At = "at";

    /// <summary>What happened (created, commented, internal_note...): a client's view leaves some out.</summary>
    public const string Action = "action";

    /// <summary>The entity's version after the change: orders entries written within one millisecond.</summary>
    public const string Version = "version";

    /// <summary>"kind/id": one indexed key per entity.</summary>
    public const string EntityKey = "entity_key";

    public static string KeyOf(string entityKind, string entityId) => $"{entityKind}/{entityId}";
}

/// <summary>
/// The <c>event_outbox</c> collection: timeline entries with their snapshot, written with the change and removed
/// once the webhook dispatcher handed them on (<see cref="CrmChatbot.Webhooks.IEventOutbox"/>).
/// </summary>
public static class EventOutboxDocuments
{
    public const string Collection = "event_outbox";

    /// <summary>The entry's time (MongoDB orders by it, then by <see cref="Version"/> and id).</summary>
    public const string At = "at";

    public const string Version = "version";

    /// <summary>The entry as JSON (MongoDB) or the row's JSON column (SQLite).</summary>
    public const string Doc = "doc";
}
