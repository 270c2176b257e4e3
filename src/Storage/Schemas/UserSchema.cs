using CrmChatbot.Common;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Users;

namespace CrmChatbot.Storage.Schemas;

/// <summary>The <c>users</c> collection: text search over name and email, a unique user id, and its indexes.</summary>
public static class UserSchema
{
    public static CollectionSchema Schema { get; } = new(StorageNames.Users, typeof(UserState))
    {
        SearchFields = [UserFields.Name, UserFields.Email],
        Indexes =
        [
            new IndexSpec([UserFields.UserId], Unique: true),
            IndexSpec.On(UserFields.Role),
            IndexSpec.On(UserFields.CreatedAt, DocumentFields.Id),
        ],
    };
}
