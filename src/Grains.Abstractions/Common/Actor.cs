using CrmChatbot.Users;

namespace CrmChatbot.Common;

/// <summary>Who does something: a user, the chatbot, or the system itself (timers, reminders).</summary>
public enum ActorKind
{
    User,
    Chatbot,
    System,
}

/// <summary>The author of a change, recorded in the entity's timeline and used for access rules.</summary>
[GenerateSerializer, Immutable, Alias("crm.actor")]
public sealed record Actor(
    [property: Id(0)] ActorKind Kind,
    [property: Id(1)] string? UserId = null,
    [property: Id(2)] UserRole? Role = null,
    [property: Id(3)] string? Name = null)
{
    public static Actor System { get; } = new(ActorKind.System, Name: "system");

    public static Actor Chatbot { get; } = new(ActorKind.Chatbot, Name: "chatbot");

    public static Actor User(string userId, UserRole role, string? name = null) => new(ActorKind.User, userId, role, name);

    public bool IsStaff => Kind != ActorKind.User || Role is UserRole.Admin or UserRole.Agent;
}
