using CrmChatbot.Storage.Queries;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Storage.Tests.Conformance;
using CrmChatbot.Users;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.LiteDb;

public sealed class LiteDbInMemoryGrainStorageTests : GrainStorageConformance, IDisposable
{
    private readonly LiteDbStore _store = LiteDbStore.CreateInMemory();

    public LiteDbInMemoryGrainStorageTests() => Storage = new LiteDbGrainStorage(_store);

    protected override IGrainStorage Storage { get; }

    public void Dispose() => _store.Dispose();
}

/// <summary>The same contract against a database file in a temp directory.</summary>
public sealed class LiteDbFileGrainStorageTests : GrainStorageConformance, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly LiteDbStore _store;

    public LiteDbFileGrainStorageTests()
    {
        _store = new LiteDbStore(_dir.Path);
        Storage = new LiteDbGrainStorage(_store);
    }

    protected override IGrainStorage Storage { get; }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }
}

public sealed class LiteDbLeadQueryTests : LeadQueryConformance, IDisposable
{
    private readonly LiteDbStore _store = LiteDbStore.CreateInMemory();

    public LiteDbLeadQueryTests()
    {
        Storage = new LiteDbGrainStorage(_store);
        Queries = new LeadQueries(new LiteDbDocumentQueries(_store));
    }

    protected override IGrainStorage Storage { get; }

    protected override ILeadQueries Queries { get; }

    public void Dispose() => _store.Dispose();
}

public sealed class LiteDbUserQueryTests : UserQueryConformance, IDisposable
{
    private readonly LiteDbStore _store = LiteDbStore.CreateInMemory();

    public LiteDbUserQueryTests()
    {
        Storage = new LiteDbGrainStorage(_store);
        Queries = new UserQueries(new LiteDbDocumentQueries(_store));
    }

    protected override IGrainStorage Storage { get; }

    protected override IUserQueries Queries { get; }

    public void Dispose() => _store.Dispose();
}

/// <summary>The compound contract on a LiteDB store; subclasses choose the store and the search strategy.</summary>
public abstract class LiteDbCompoundQueryTests : CompoundQueryConformance, IDisposable
{
    private readonly LiteDbStore _store;
    private readonly TempDirectory? _dir;

    protected LiteDbCompoundQueryTests(TempDirectory? dir, int? fewSearchMatches = null)
    {
        _dir = dir;
        _store = dir is null ? LiteDbStore.CreateInMemory() : new LiteDbStore(dir.Path);
        Storage = new LiteDbGrainStorage(_store);
        Queries = fewSearchMatches is { } few ? new LiteDbDocumentQueries(_store, few) : new LiteDbDocumentQueries(_store);
    }

    protected override IGrainStorage Storage { get; }

    protected override IDocumentQueries Queries { get; }

    protected override Task EnsureIndexesAsync()
    {
        _store.EnsureIndexes();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir?.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class LiteDbInMemoryCompoundQueryTests() : LiteDbCompoundQueryTests(null);

public sealed class LiteDbFileCompoundQueryTests() : LiteDbCompoundQueryTests(new TempDirectory());

/// <summary>Every search taken as one of many matches (walked in sort order, not looked up by id).</summary>
public sealed class LiteDbManySearchMatchesCompoundQueryTests() : LiteDbCompoundQueryTests(null, fewSearchMatches: 0);
