namespace CrmChatbot.Users;

/// <summary>What a user may do: admins manage users, agents (and admins) are staff, clients are customers.</summary>
public enum UserRole
{
    Client,
    Agent,
    Admin,
}

public static class UserRoles
{
    /// <summary>Role claim values, as they appear in tokens and JSON.</summary>
    public const string Admin = "admin";
    public const string Agent = "agent";
    public const string Client = "client";

    public static string ToClaim(this UserRole role) => role switch
    {
        UserRole.Admin => Admin,
        UserRole.Agent => Agent,
        _ => Client,
    };

    public static bool IsStaff(this UserRole role) => role is UserRole.Admin or UserRole.Agent;
}

/// <summary>Users are keyed by normalized email, so one address is one account whatever its case.</summary>
public static class EmailKey
{
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
