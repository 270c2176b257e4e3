using CrmChatbot.Common;

namespace CrmChatbot.Users;

[GenerateSerializer, Alias("crm.admin-roster-state")]
public sealed class AdminRosterState
{
    /// <summary>User ids of the active admins.</summary>
    [Id(0)] public List<string> AdminIds { get; set; } = [];

    /// <summary>False until the roster was first filled from the stored users (deployments older than the roster).</summary>
    [Id(1)] public bool Seeded { get; set; }
}

/// <summary>
/// The active admins of the deployment, changed one call at a time (see <see cref="IAdminRosterGrain"/>).
/// A user grain releases an admin here before it commits a demotion, deactivation or deletion, and
/// enlists one after it committed a promotion or reactivation; a failure in between leaves the
/// roster with fewer admins than the store, which only makes the rule stricter, never looser.
/// </summary>
public sealed class AdminRosterGrain(
    [PersistentState("admin_roster", StorageNames.Crm)] IPersistentState<AdminRosterState> roster,
    IUserQueries users) : Grain, IAdminRosterGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (roster.State.Seeded)
        {
            return;
        }

        // First use: the active admins the store holds now. Changes that race with this read reach the
        // roster through their own Enlist/TryRelease calls, which run after this activation.
        var ids = new List<string>();
        for (var offset = 0; ; offset += 200)
        {
            var page = await users.ListAsync(
                new UserListQuery { Role = UserRole.Admin, IsActive = true, Limit = 200, Offset = offset }, cancellationToken);
            ids.AddRange(page.Items.Select(u => u.Id));
            if (page.Items.Count < 200)
            {
                break;
            }
        }

        roster.State = new AdminRosterState { AdminIds = [.. ids.Distinct(StringComparer.Ordinal)], Seeded = true };
        await roster.WriteStateAsync(cancellationToken);
    }

    public async Task<bool> TryReleaseAsync(string userId)
    {
        if (!roster.State.AdminIds.Contains(userId, StringComparer.Ordinal))
        {
            // Not on the roster: releasing it cannot take the last admin away.
            return roster.State.AdminIds.Count > 0;
        }

        if (roster.State.AdminIds.Count <= 1)
        {
            return false;
        }

        await SaveAsync([.. roster.State.AdminIds.Where(id => id != userId)]);
        return true;
    }

    public async Task EnlistAsync(string userId)
    {
        if (!roster.State.AdminIds.Contains(userId, StringComparer.Ordinal))
        {
            await SaveAsync([.. roster.State.AdminIds, userId]);
        }
    }

    public Task<IReadOnlyList<string>> GetAsync() => Task.FromResult<IReadOnlyList<string>>([.. roster.State.AdminIds]);

    private Task SaveAsync(List<string> ids) =>
        roster.ReplaceAsync(new AdminRosterState { AdminIds = ids, Seeded = true }, DeactivateOnIdle);
}
