using CrmChatbot.Common;

namespace CrmChatbot.Users;

/// <summary>
/// A user as the API returns it. Never carries the password hash. <see cref="TokenGeneration"/>
/// is internal (not in JSON): tokens carry the generation they were issued at, and a password
/// change or reset moves it on, so older tokens stop working.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.user")]
public sealed record UserDto(
    [property: Id(0)] string Id,
    [property: Id(1)] string Email,
    [property: Id(2)] string Name,
    [property: Id(3)] UserRole Role,
    [property: Id(4)] bool IsActive,
    [property: Id(5)] DateTime CreatedAt,
    [property: Id(6)] DateTime UpdatedAt,
    [property: Id(7), System.Text.Json.Serialization.JsonIgnore] int TokenGeneration = 0);

/// <summary>A new account. The password is hashed inside the grain and never stored or logged in clear.</summary>
[GenerateSerializer, Immutable, Alias("crm.new-user")]
public sealed record NewUser(
    [property: Id(0)] string? Email,
    [property: Id(1)] string? Password,
    [property: Id(2)] string? Name,
    [property: Id(3)] UserRole Role = UserRole.Client)
{
    // Keep the password out of logs and exception messages that print records.
    public override string ToString() => $"NewUser {{ Email = {Email}, Name = {Name}, Role = {Role} }}";
}

/// <summary>What an admin may change on a user.</summary>
[GenerateSerializer, Immutable, Alias("crm.user-patch")]
public sealed record UserPatch
{
    [Id(0)] public Optional<string> Name { get; init; }
    [Id(1)] public Optional<UserRole> Role { get; init; }
    [Id(2)] public Optional<bool> IsActive { get; init; }
}

public enum LoginOutcome
{
    Success,

    /// <summary>Unknown user or wrong password: the caller cannot tell which.</summary>
    InvalidCredentials,

    /// <summary>Right password, but the account is deactivated.</summary>
    Inactive,

    /// <summary>Too many recent failures for this email (from this address, or from all addresses).</summary>
    Throttled,

    /// <summary>Too many password hashes are being computed: retry after <see cref="LoginResult.RetryAfterSeconds"/> (HTTP 503).</summary>
    Busy,
}

[GenerateSerializer, Immutable, Alias("crm.login-result")]
public sealed record LoginResult(
    [property: Id(0)] LoginOutcome Outcome,
    [property: Id(1)] UserDto? User = null,
    [property: Id(2)] int RetryAfterSeconds = 0);

public sealed record UserListQuery
{
    public UserRole? Role { get; init; }
    public bool? IsActive { get; init; }

    /// <summary>Case-insensitive substring of name or email.</summary>
    public string? Text { get; init; }

    public int Limit { get; init; } = 50;
    public int Offset { get; init; }
}
