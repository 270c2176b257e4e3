namespace CrmChatbot.Idempotency;

/// <summary>The stored record of one Idempotency-Key (collection <see cref="IdempotencyStorage.Records"/>).</summary>
[GenerateSerializer, Alias("crm.idempotency-state")]
public sealed class IdempotencyState
{
    [Id(0)] public string Fingerprint { get; set; } = "";
    [Id(1)] public StoredResponse? Response { get; set; }
    [Id(2)] public DateTime CreatedAt { get; set; }

    /// <summary>After this the key is forgotten and the record deleted (by the purge, or the TTL index on MongoDB).</summary>
    [Id(3)] public DateTime ExpiresAt { get; set; }

    /// <summary>
    /// When the record expires: <see cref="ExpiresAt"/>, or for a record written before that field existed its
    /// creation plus the default retention.
    /// </summary>
    public DateTime Expiry() =>
        ExpiresAt != default ? ExpiresAt : DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc) + IdempotencyOptions.DefaultRetention;
}

public static class IdempotencyStorage
{
    /// <summary>The state name, and so the table/collection, of idempotency records.</summary>
    public const string Records = "idempotency";
}

/// <summary>How long Idempotency-Key records live, how often expired ones are deleted, and by which clock.</summary>
public sealed class IdempotencyOptions
{
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromHours(24);

    public TimeSpan Retention { get; set; } = DefaultRetention;

    /// <summary>Period of the purge of expired records (each silo runs it; deleting is idempotent).</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The clock of records and purge: its own setting, so a test can move it without moving Orleans' timers.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;
}

/// <summary>Store side of the expiry: deletes every record whose expiry has passed.</summary>
public interface IIdempotencyRecords
{
    /// <returns>How many records were deleted.</returns>
    Task<long> DeleteExpiredAsync(DateTime now, CancellationToken cancellationToken = default);
}
