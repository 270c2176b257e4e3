using CrmChatbot.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Membership;

/// <summary>
/// Orleans' membership table over the shared <see cref="MongoStore"/>: one document per cluster
/// (<see cref="MembershipDocument"/>) holding the table version, its etag and every silo row with
/// its own etag. Insert and update are ONE conditional <c>UpdateOne</c> each, matching the cluster id,
/// the table version etag and (insert) the row's absence or (update) the row's etag; the write sets
/// the row, the new version and a new version etag together, so exactly one of several racing
/// writers wins. Other rows are never rewritten, so a concurrent heartbeat is not lost.
/// <see cref="UpdateIAmAliveAsync"/> sets only the heartbeat (no etag check, no new etag), as Orleans
/// allows. Every operation runs through <see cref="MongoStore.RunAsync{T}"/>.
/// </summary>
public sealed class MongoMembershipTable : IMembershipTable
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly UpdateDefinitionBuilder<BsonDocument> Update = Builders<BsonDocument>.Update;

    private readonly MongoStore _store;

    public MongoMembershipTable(MongoStore store, string clusterId)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        _store = store;
        ClusterId = clusterId;
    }

    public string ClusterId { get; }

    private IMongoCollection<BsonDocument> Collection => _store.GetCollection(MembershipDocument.Collection);

    private FilterDefinition<BsonDocument> ById => Filter.Eq("_id", ClusterId);

    [Obsolete("Use InitializeMembershipTableAsync instead.")]
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion);

    /// <summary>Creates the cluster document at version 0 unless it exists (an upsert that only sets on insert).</summary>
    public Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default)
    {
        if (!tryInitTableVersion)
        {
            return Task.CompletedTask;
        }

        var create = Update
            .SetOnInsert(MembershipDocument.Version, 0L)
            .SetOnInsert(MembershipDocument.ETag, MembershipDocument.NewETag())
            .SetOnInsert(MembershipDocument.Silos, new BsonDocument());
        return _store.RunAsync(
            "membership table initialization",
            async ct =>
            {
                try
                {
                    await Collection.UpdateOneAsync(ById, create, new UpdateOptions { IsUpsert = true }, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (MongoFailures.IsDuplicateKey(e))
                {
                    // Another silo created it between our match and insert: it exists, which is all we need.
                }
            },
            cancellationToken);
    }

    [Obsolete("Use DeleteMembershipTableEntriesAsync instead.")]
    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId);

    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        return _store.RunAsync(
            "membership table deletion",
            ct => Collection.DeleteOneAsync(Filter.Eq("_id", clusterId), ct),
            cancellationToken);
    }

    [Obsolete("Use CleanupDefunctSiloEntriesAsync instead.")]
    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate);

    /// <summary>
    /// Removes dead rows last updated before <paramref name="beforeDate"/>: the latest of start, heartbeat and
    /// death votes, as Orleans dates an entry (its EffectiveUpdateTime) when its cleanup agent picks the cut-off.
    /// Each removal is conditional on the row's etag, so a row rewritten meanwhile stays.
    /// </summary>
    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
    {
        var table = await ReadAllAsync(cancellationToken).ConfigureAwait(false);
        var before = beforeDate.UtcDateTime;
        foreach (var (entry, etag) in table.Members)
        {
            if (entry.Status != SiloStatus.Dead || LastUpdate(entry) >= before)
            {
                continue;
            }

            var path = MembershipDocument.RowPath(entry.SiloAddress);
            await _store.RunAsync(
                "membership defunct row removal",
                ct => Collection.UpdateOneAsync(
                    ById & Filter.Eq($"{path}.{MembershipDocument.ETag}", etag), Update.Unset(path), cancellationToken: ct),
                cancellationToken).ConfigureAwait(false);
        }
    }

    [Obsolete("Use ReadRowAsync instead.")]
    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key);

    public async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var all = await ReadAllAsync(cancellationToken).ConfigureAwait(false);
        var rows = all.Members.Where(m => m.Item1.SiloAddress.Equals(key)).ToList();
        return new MembershipTableData(rows, all.Version);
    }

    [Obsolete("Use ReadAllAsync instead.")]
    public Task<MembershipTableData> ReadAll() => ReadAllAsync();

    /// <summary>Every row with its etag and the table version, from one document read (atomic). No document: empty at version 0.</summary>
    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _store.RunAsync(
            "membership table read",
            async ct =>
            {
                var doc = await Collection.Find(ById).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                if (doc is null)
                {
                    return new MembershipTableData(new TableVersion(0, string.Empty));
                }

                var rows = doc.GetValue(MembershipDocument.Silos, new BsonDocument()).AsBsonDocument
                    .Select(element => MembershipDocument.FromRow(element.Value.AsBsonDocument))
                    .OrderBy(row => row.Entry.SiloAddress.ToParsableString(), StringComparer.Ordinal)
                    .Select(row => Tuple.Create(row.Entry, row.ETag))
                    .ToList();
                var version = new TableVersion(
                    (int)doc[MembershipDocument.Version].ToInt64(), doc[MembershipDocument.ETag].AsString);
                return new MembershipTableData(rows, version);
            },
            cancellationToken);

    [Obsolete("Use InsertRowAsync instead.")]
    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion);

    /// <summary>Succeeds only if the row is absent AND the table version etag is current.</summary>
    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        var absent = Filter.Exists(MembershipDocument.RowPath(entry.SiloAddress), exists: false);
        return WriteRowAsync("membership row insert", entry, tableVersion, absent, cancellationToken);
    }

    [Obsolete("Use UpdateRowAsync instead.")]
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion);

    /// <summary>Succeeds only if the row's etag AND the table version etag are current.</summary>
    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        var current = Filter.Eq($"{MembershipDocument.RowPath(entry.SiloAddress)}.{MembershipDocument.ETag}", etag);
        return WriteRowAsync("membership row update", entry, tableVersion, current, cancellationToken);
    }

    [Obsolete("Use UpdateIAmAliveAsync instead.")]
    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry);

    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var path = MembershipDocument.RowPath(entry.SiloAddress);
        return _store.RunAsync(
            "membership heartbeat",
            ct => Collection.UpdateOneAsync(
                ById & Filter.Exists(path),
                Update.Set($"{path}.{MembershipDocument.IAmAlive}", MembershipDocument.Utc(entry.IAmAliveTime)),
                cancellationToken: ct),
            cancellationToken);
    }

    private Task<bool> WriteRowAsync(
        string what, MembershipEntry entry, TableVersion tableVersion, FilterDefinition<BsonDocument> rowCondition, CancellationToken cancellationToken)
    {
        var filter = ById & Filter.Eq(MembershipDocument.ETag, tableVersion.VersionEtag) & rowCondition;
        var write = Update
            .Set(MembershipDocument.RowPath(entry.SiloAddress), MembershipDocument.ToRow(entry, MembershipDocument.NewETag()))
            .Set(MembershipDocument.Version, (long)tableVersion.Version)
            .Set(MembershipDocument.ETag, MembershipDocument.NewETag());
        return _store.RunAsync(
            what,
            async ct =>
            {
                var result = await Collection.UpdateOneAsync(filter, write, cancellationToken: ct).ConfigureAwait(false);
                return result.MatchedCount == 1;
            },
            cancellationToken);
    }

    private static DateTime LastUpdate(MembershipEntry entry) =>
        (entry.SuspectTimes ?? []).Select(vote => vote.Item2)
            .Append(entry.StartTime)
            .Append(entry.IAmAliveTime)
            .Max(time => time.ToUniversalTime());
}
