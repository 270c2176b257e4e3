namespace CrmChatbot.Idempotency;

/// <summary>A stored first response of a POST with an Idempotency-Key.</summary>
[GenerateSerializer, Immutable, Alias("crm.stored-response")]
public sealed record StoredResponse(
    [property: Id(0)] int Status,
    [property: Id(1)] string? ContentType,
    [property: Id(2)] string Body,
    [property: Id(3)] string? Location,
    [property: Id(4)] string? ETag);

public enum IdempotencyOutcome
{
    /// <summary>First use of the key: run the request, then Complete or Abandon.</summary>
    Proceed,

    /// <summary>The key was used before with the same request: send the stored response.</summary>
    Replay,

    /// <summary>The same key is being processed right now.</summary>
    InProgress,

    /// <summary>The key was used before with a different request.</summary>
    Mismatch,
}

[GenerateSerializer, Immutable, Alias("crm.idempotency-decision")]
public sealed record IdempotencyDecision(
    [property: Id(0)] IdempotencyOutcome Outcome,
    [property: Id(1)] StoredResponse? Response = null);

/// <summary>
/// One Idempotency-Key of one caller on one route (the grain key is a hash of the three). The single
/// activation serializes concurrent retries, so a request runs at most once per key.
/// </summary>
[Alias("crm.IIdempotencyGrain")]
public interface IIdempotencyGrain : IGrainWithStringKey
{
    [Alias("Begin")]
    Task<IdempotencyDecision> BeginAsync(string fingerprint);

    /// <summary>Stores the response of a successful first run.</summary>
    [Alias("Complete")]
    Task CompleteAsync(string fingerprint, StoredResponse response);

    /// <summary>The first run failed: the key may be used again.</summary>
    [Alias("Abandon")]
    Task AbandonAsync(string fingerprint);
}
