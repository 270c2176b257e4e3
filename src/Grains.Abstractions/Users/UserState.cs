namespace CrmChatbot.Users;

/// <summary>
/// A user account. The grain key (and document id) is the normalized email; <see cref="UserId"/>
/// is the stable id used in URLs and tokens, so a deleted and re-registered email is a new user.
/// </summary>
[GenerateSerializer, Alias("crm.user-state")]
public sealed class UserState
{
    [Id(0)] public string UserId { get; set; } = "";
    [Id(1)] public string Email { get; set; } = "";
    [Id(2)] public string Name { get; set; } = "";
    [Id(3)] public UserRole Role { get; set; } = UserRole.Client;
    [Id(4)] public string PasswordHash { get; set; } = "";
    [Id(5)] public bool IsActive { get; set; } = true;
    [Id(6)] public DateTime CreatedAt { get; set; }
    [Id(7)] public DateTime UpdatedAt { get; set; }

    /// <summary>Moves on with every password change or reset; tokens of an older generation are refused.</summary>
    [Id(8)] public int TokenGeneration { get; set; }

    public UserDto ToDto() => new(UserId, Email, Name, Role, IsActive, CreatedAt, UpdatedAt, TokenGeneration);
}
