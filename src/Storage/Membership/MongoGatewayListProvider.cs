using CrmChatbot.Storage.Mongo;
using Orleans.Messaging;

namespace CrmChatbot.Storage.Membership;

/// <summary>
/// For Orleans clients: the gateway endpoints of the ACTIVE silos of the cluster, read from the same
/// membership document the silos write (<see cref="MongoMembershipTable"/>).
/// </summary>
public sealed class MongoGatewayListProvider : IGatewayListProvider
{
    private readonly MongoMembershipTable _table;

    public MongoGatewayListProvider(MongoStore store, string clusterId, TimeSpan maxStaleness)
    {
        _table = new MongoMembershipTable(store, clusterId);
        MaxStaleness = maxStaleness;
    }

    public TimeSpan MaxStaleness { get; }

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public async Task<IList<Uri>> GetGateways()
    {
        var table = await _table.ReadAllAsync().ConfigureAwait(false);
        return table.Members
            .Select(member => MembershipDocument.GatewayUri(member.Item1))
            .OfType<Uri>()
            .ToList();
    }
}
