using CrmChatbot.Common;
using CrmChatbot.Users;

namespace CrmChatbot.Storage.Queries;

/// <summary>User lists and look-ups from the <c>users</c> collection through <see cref="IDocumentQueries"/>, on any store.</summary>
public sealed class UserQueries : IUserQueries
{
    private readonly IDocumentQueries _documents;

    public UserQueries(IDocumentQueries documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        _documents = documents;
    }

    public async Task<Page<UserDto>> ListAsync(UserListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueryRules.ValidatePaging(query.Limit, query.Offset);

        var filters = new FilterSet();
        filters.EqIfSet(UserFields.Role, query.Role);
        filters.EqIfSet(UserFields.IsActive, query.IsActive);

        return await _documents.PageAsync<UserState, UserDto>(
            StorageNames.Users,
            DocumentQuery.Page(filters, UserFields.CreatedAt, descending: false, query.Limit, query.Offset, query.Text),
            d => d.State.ToDto(),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<UserDto?> FindByIdAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var doc = await _documents.FindOneAsync<UserState>(
            StorageNames.Users, [FieldFilter.Eq(UserFields.UserId, userId)], cancellationToken).ConfigureAwait(false);
        return doc?.State.ToDto();
    }
}
