using CrmChatbot.Leads;
using CrmChatbot.Users;

namespace CrmChatbot.Storage;

/// <summary>
/// The layout of a grain-state document, the same in every store:
/// <c>{ _id: &lt;grain key&gt;, etag: &lt;string&gt;, state: { snake_case fields } }</c>.
/// The collection is named after the state name (<see cref="Common.StorageNames"/>).
/// </summary>
public static class DocumentFields
{
    public const string Id = "_id";
    public const string ETag = "etag";
    public const string State = "state";
}

/// <summary>Stored field names of <see cref="LeadState"/>, inside <see cref="DocumentFields.State"/>.</summary>
public static class LeadFields
{
    public static readonly string Name = SnakeCase.Convert(nameof(LeadState.Name));
    public static readonly string Email = SnakeCase.Convert(nameof(LeadState.Email));
    public static readonly string Company = SnakeCase.Convert(nameof(LeadState.Company));
    public static readonly string Status = SnakeCase.Convert(nameof(LeadState.Status));
    public static readonly string Source = SnakeCase.Convert(nameof(LeadState.Source));
    public static readonly string OwnerId = SnakeCase.Convert(nameof(LeadState.OwnerId));
    public static readonly string CreatedAt = SnakeCase.Convert(nameof(LeadState.CreatedAt));
    public static readonly string UpdatedAt = SnakeCase.Convert(nameof(LeadState.UpdatedAt));
}

/// <summary>Stored field names of <see cref="UserState"/>, inside <see cref="DocumentFields.State"/>.</summary>
public static class UserFields
{
    public static readonly string UserId = SnakeCase.Convert(nameof(UserState.UserId));
    public static readonly string Email = SnakeCase.Convert(nameof(UserState.Email));
    public static readonly string Name = SnakeCase.Convert(nameof(UserState.Name));
    public static readonly string Role = SnakeCase.Convert(nameof(UserState.Role));
    public static readonly string IsActive = SnakeCase.Convert(nameof(UserState.IsActive));
    public static readonly string CreatedAt = SnakeCase.Convert(nameof(UserState.CreatedAt));
}

/// <summary>New etags: opaque strings, unique per write.</summary>
public static class ETags
{
    public static string New() => Guid.NewGuid().ToString("N");
}
