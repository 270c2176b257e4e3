namespace CrmChatbot.Common;

/// <summary>Why a grain refused a command. The API maps each kind to one HTTP status.</summary>
public enum ErrorKind
{
    Validation,
    NotFound,
    Conflict,
    Forbidden,
    Throttled,

    /// <summary>An If-Match version that is no longer current (HTTP 412).</summary>
    PreconditionFailed,

    /// <summary>The service is saturated (e.g. the password-hashing queue is full): retry later (HTTP 503).</summary>
    Unavailable,
}

/// <summary>A refused command: a message, and for validation the offending fields.</summary>
[GenerateSerializer, Immutable, Alias("crm.command-error")]
public sealed record CommandError(
    [property: Id(0)] ErrorKind Kind,
    [property: Id(1)] string Message,
    [property: Id(2)] IReadOnlyDictionary<string, string[]>? Fields = null,
    [property: Id(3)] int? RetryAfterSeconds = null)
{
    public static CommandError NotFound(string message) => new(ErrorKind.NotFound, message);

    public static CommandError Conflict(string message) => new(ErrorKind.Conflict, message);

    public static CommandError Stale(long current) =>
        new(ErrorKind.PreconditionFailed, $"The entity has changed (current version {current}); reload it and retry.");

    public static CommandError Invalid(IReadOnlyDictionary<string, string[]> fields) =>
        new(ErrorKind.Validation, "One or more fields are invalid.", fields);

    public static CommandError Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>
/// The outcome of a grain command: a value or an error. Grains return it instead of throwing so
/// that expected refusals (validation, conflicts) stay cheap and explicit across the silo boundary.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.command-result`1")]
public sealed record CommandResult<T>([property: Id(0)] T? Value, [property: Id(1)] CommandError? Error)
{
    public bool IsSuccess => Error is null;

    public static CommandResult<T> Ok(T value) => new(value, null);

    public static CommandResult<T> Fail(CommandError error) => new(default, error);

    public static implicit operator CommandResult<T>(CommandError error) => Fail(error);
}
