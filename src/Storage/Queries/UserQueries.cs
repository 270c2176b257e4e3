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

        var filters = new List<FieldFilter>();
        if (query.Role is { } role)
        {
            filters.Add(FieldFilter.Eq(UserFields.Role, role));
        }

        if (query.IsActive is { } isActive)
        {
            filters.Add(FieldFilter.Eq(UserFields.IsActive, isActive));
        }

        var page = await _documents.QueryAsync<UserState>(
            StorageNames.Users,
            new DocumentQuery
            {
                Filters = filters,
                Text = query.Text,
                SortField = UserFields.CreatedAt,
                Descending = false,
                Limit = query.Limit,
                Offset = query.Offset,
            },
            cancellationToken).ConfigureAwait(false);
        return new Page<UserDto>(page.Items.Select(d => d.State.ToDto()).ToList(), page.Total, page.Next);
    }

    public async Task<UserDto?> FindByIdAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var doc = await _documents.FindOneAsync<UserState>(
            StorageNames.Users, [FieldFilter.Eq(UserFields.UserId, userId)], cancellationToken).ConfigureAwait(false);
        return doc?.State.ToDto();
    }
}
