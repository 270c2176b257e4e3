using CrmChatbot.Chat;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Sqlite;
using CrmChatbot.Storage.Tests.Conformance;
using CrmChatbot.Users;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Sqlite;

/// <summary>A SQLite store for one test class: in memory, or a database file in a temp directory.</summary>
public sealed class SqliteTestStore : IDisposable
{
    private readonly TempDirectory? _dir;

    public SqliteTestStore(bool onFile)
    {
        _dir = onFile ? new TempDirectory() : null;
        Store = _dir is null ? SqliteStore.CreateInMemory() : new SqliteStore(_dir.Path);
    }

    public SqliteStore Store { get; private set; }

    /// <summary>
    /// Starts the store again as the service does after an upgrade: a file is closed and reopened (the start-up
    /// migrations run); an in-memory database, which would not survive that, runs them in place.
    /// </summary>
    public void Restart()
    {
        if (_dir is null)
        {
            Store.Writes.RunAsync(SqliteMigrations.CreateStoreTables).GetAwaiter().GetResult();
            return;
        }

        Store.Dispose();
        Store = new SqliteStore(_dir.Path);
    }

    public void Dispose()
    {
        Store.Dispose();
        _dir?.Dispose();
    }
}

public abstract class SqliteGrainStorageTests(bool onFile) : GrainStorageConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile);

    protected override IGrainStorage Storage => new SqliteGrainStorage(_store.Store);

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteInMemoryGrainStorageTests() : SqliteGrainStorageTests(onFile: false);

public sealed class SqliteFileGrainStorageTests() : SqliteGrainStorageTests(onFile: true);

public abstract class SqliteLeadQueryTests(bool onFile) : LeadQueryConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile);

    protected override IGrainStorage Storage => new SqliteGrainStorage(_store.Store);

    protected override ILeadQueries Queries => new LeadQueries(new SqliteDocumentQueries(_store.Store));

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteInMemoryLeadQueryTests() : SqliteLeadQueryTests(onFile: false);

public sealed class SqliteFileLeadQueryTests() : SqliteLeadQueryTests(onFile: true);

public sealed class SqliteUserQueryTests : UserQueryConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile: false);

    protected override IGrainStorage Storage => new SqliteGrainStorage(_store.Store);

    protected override IUserQueries Queries => new UserQueries(new SqliteDocumentQueries(_store.Store));

    public void Dispose() => _store.Dispose();
}

public abstract class SqliteCompoundQueryTests(
    bool onFile, int fewSearchMatches = SqliteDocumentQueries.DefaultFewSearchMatches, int denseWalkRows = SqliteDocumentQueries.DefaultDenseWalkRows)
    : CompoundQueryConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile);

    protected override IGrainStorage Storage => new SqliteGrainStorage(_store.Store);

    protected override IDocumentQueries Queries => new SqliteDocumentQueries(_store.Store, fewSearchMatches, denseWalkRows);

    protected override Task EnsureIndexesAsync()
    {
        _store.Store.EnsureSchemas();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteInMemoryCompoundQueryTests() : SqliteCompoundQueryTests(onFile: false);

public sealed class SqliteFileCompoundQueryTests() : SqliteCompoundQueryTests(onFile: true);

/// <summary>Every search taken as one of many dense matches (found by walking the sort order and testing each row's search text).</summary>
public sealed class SqliteManySearchMatchesCompoundQueryTests() : SqliteCompoundQueryTests(onFile: false, fewSearchMatches: 0);

/// <summary>Every search taken as one of many sparse matches (found by walking the sort order and testing membership in the index's matches).</summary>
public sealed class SqliteManySparseSearchMatchesCompoundQueryTests() : SqliteCompoundQueryTests(onFile: false, fewSearchMatches: 0, denseWalkRows: 0);

public abstract class SqliteDocumentQueryTests(
    bool onFile, int fewSearchMatches = SqliteDocumentQueries.DefaultFewSearchMatches, int denseWalkRows = SqliteDocumentQueries.DefaultDenseWalkRows)
    : DocumentQueryConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile);

    protected override IGrainStorage Storage => new SqliteGrainStorage(_store.Store);

    protected override IDocumentQueries Queries => new SqliteDocumentQueries(_store.Store, fewSearchMatches, denseWalkRows);

    protected override Task EnsureIndexesAsync()
    {
        _store.Store.EnsureSchemas();
        return Task.CompletedTask;
    }

    /// <summary>The row's fields under their document names: id, etag, state, the search text and the computed columns (state columns live in the state).</summary>
    protected override Task<IReadOnlyCollection<string>> RawFieldNamesAsync(string collection, string id) =>
        Task.FromResult<IReadOnlyCollection<string>>(_store.Store.Read(session =>
        {
            using var reader = session.Command($"SELECT * FROM \"{collection}\" WHERE id = @p0", id).ExecuteReader();
            Assert.True(reader.Read());
            var names = new List<string>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var name = reader.GetName(i) switch
                {
                    "rid" => null,
                    "id" => "_id",
                    "doc" => "state",
                    "search_text" => "search_lower",
                    var other when other.StartsWith("state.", StringComparison.Ordinal) => null,
                    var other => other,
                };
                if (name is not null)
                {
                    names.Add(name);
                }
            }

            return names;
        }));

    protected override Task<IReadOnlyCollection<string>> IndexNamesAsync(string collection) =>
        Task.FromResult<IReadOnlyCollection<string>>(_store.Store.Read(session =>
        {
            using var reader = session.Command(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE @p0 ESCAPE '\\' UNION SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE @p0 ESCAPE '\\'",
                collection.Replace("_", "\\_", StringComparison.Ordinal) + "\\_\\_ix\\_\\_%").ExecuteReader();
            var names = new List<string>();
            while (reader.Read())
            {
                names.Add(reader.GetString(0)[(collection.Length + 6)..]);
            }

            return names;
        }));

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteInMemoryDocumentQueryTests() : SqliteDocumentQueryTests(onFile: false);

public sealed class SqliteFileDocumentQueryTests() : SqliteDocumentQueryTests(onFile: true);

public sealed class SqliteManySearchMatchesDocumentQueryTests() : SqliteDocumentQueryTests(onFile: false, fewSearchMatches: 0);

public sealed class SqliteManySparseSearchMatchesDocumentQueryTests() : SqliteDocumentQueryTests(onFile: false, fewSearchMatches: 0, denseWalkRows: 0);

public sealed class SqliteInMemoryReminderTableTests : ReminderTableConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile: false);

    protected override IReminderTable Table => new SqliteReminderTable(_store.Store);

    public void Dispose() => _store.Dispose();
}

public sealed class SqliteFileReminderTableTests : ReminderTableConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile: true);

    protected override IReminderTable Table => new SqliteReminderTable(_store.Store);

    public void Dispose() => _store.Dispose();
}

public sealed class SqliteInMemoryTimelineStoreTests : TimelineStoreConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile: false);

    protected override ITimelineStore Store => new SqliteTimelineStore(_store.Store);

    public void Dispose() => _store.Dispose();
}

public sealed class SqliteFileTimelineStoreTests : TimelineStoreConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile: true);

    protected override ITimelineStore Store => new SqliteTimelineStore(_store.Store);

    public void Dispose() => _store.Dispose();
}

public abstract class SqliteTicketCommentStoreTests(bool onFile) : TicketCommentStoreConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile);

    protected override CrmChatbot.Tickets.ITicketCommentStore Comments => new SqliteTicketCommentStore(_store.Store);

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }
}

public abstract class SqliteChatSessionStoreTests(bool onFile) : ChatSessionStoreConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile);

    protected override IChatSessionStore Sessions => Over(_store.Store);

    protected override IGrainStorage Documents => new SqliteGrainStorage(_store.Store);

    protected override async Task<IChatSessionStore> UpgradeFromLegacyAsync(GrainId grainId, ChatSessionState session, ChatTranscriptState archive)
    {
        // What the old build wrote: plain grain-storage documents, and store version 4.
        var storage = new SqliteGrainStorage(_store.Store);
        await storage.WriteStateAsync(ChatStorage.Sessions, grainId, new GrainState<ChatSessionState>(session));
        await storage.WriteStateAsync(ChatStorage.LegacyTranscripts, grainId, new GrainState<ChatTranscriptState>(archive));
        var other = GrainId.Create("chat", "other-" + Guid.NewGuid());
        await storage.WriteStateAsync(ChatStorage.LegacyTranscripts, other, new GrainState<ChatTranscriptState>(new ChatTranscriptState { Messages = [.. archive.Messages.Take(1)] }));
        await _store.Store.Writes.RunAsync(s => s.Execute("UPDATE crm_schema SET version = '4' WHERE name = '$store'"));

        _store.Restart();

        var upgraded = Over(_store.Store);
        Assert.Null(_store.Store.Read(s => s.Scalar("SELECT 1 FROM sqlite_master WHERE name = @p0", ChatStorage.LegacyTranscripts)));
        // The orphan archive (its session is gone) is kept too, numbered from 1.
        Assert.Single(await upgraded.ReadArchiveTailAsync(other.Key.ToString()!, 500));
        return upgraded;
    }

    private static SqliteChatSessionStore Over(SqliteStore store) => new(store, new SqliteEntityStore(new SqliteGrainStorage(store)));

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteInMemoryChatSessionStoreTests() : SqliteChatSessionStoreTests(onFile: false);

public sealed class SqliteFileChatSessionStoreTests() : SqliteChatSessionStoreTests(onFile: true);

public sealed class SqliteInMemoryTicketCommentStoreTests() : SqliteTicketCommentStoreTests(onFile: false);

public abstract class SqliteEntityRowsTests(bool onFile) : EntityRowsConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile);

    protected override IEntityStore Entities => new SqliteEntityStore(new SqliteGrainStorage(_store.Store));

    /// <summary>Comment rows that are inserted, then fail: the transaction must take the inserted rows back too.</summary>
    protected override IEntityStore EntitiesWithFailingComments => new SqliteEntityStore(
        new SqliteGrainStorage(_store.Store),
        new SqliteRowSets().Add(new SqliteRowSet<CrmChatbot.Tickets.TicketComment>(SqliteTicketCommentStore.ToRows, (session, rows) =>
        {
            SqliteTicketCommentStore.Insert(session, rows);
            throw new InvalidOperationException("The comment insert failed.");
        })));

    protected override CrmChatbot.Tickets.ITicketCommentStore Comments => new SqliteTicketCommentStore(_store.Store);

    protected override ITimelineStore Timeline => new SqliteTimelineStore(_store.Store);

    protected override IGrainStorage Documents => new SqliteGrainStorage(_store.Store);

    protected override bool WritesRowsInTheStatesTransaction => true;

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteInMemoryEntityRowsTests() : SqliteEntityRowsTests(onFile: false);

public sealed class SqliteFileEntityRowsTests() : SqliteEntityRowsTests(onFile: true);

public sealed class SqliteFileTicketCommentStoreTests() : SqliteTicketCommentStoreTests(onFile: true);

public abstract class SqliteEventOutboxTests(bool onFile) : EventOutboxConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile);

    protected override IEntityStore Entities => new SqliteEntityStore(new SqliteGrainStorage(_store.Store));

    protected override ITimelineStore Timeline => new SqliteTimelineStore(_store.Store);

    protected override CrmChatbot.Webhooks.IEventOutbox Outbox => new SqliteEventOutbox(_store.Store);

    public void Dispose() => _store.Dispose();
}

public sealed class SqliteInMemoryEventOutboxTests() : SqliteEventOutboxTests(onFile: false);

public sealed class SqliteFileEventOutboxTests() : SqliteEventOutboxTests(onFile: true);

public abstract class SqliteWebhookQueueTests(bool onFile) : WebhookQueueConformance, IDisposable
{
    private readonly SqliteTestStore _store = new(onFile);

    protected override CrmChatbot.Webhooks.IWebhookQueue Queue => new SqliteWebhookQueue(_store.Store);

    public void Dispose() => _store.Dispose();
}

public sealed class SqliteInMemoryWebhookQueueTests() : SqliteWebhookQueueTests(onFile: false);

public sealed class SqliteFileWebhookQueueTests() : SqliteWebhookQueueTests(onFile: true);
