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

public sealed class LiteDbInMemoryCompoundQueryTests : CompoundQueryConformance, IDisposable
{
    private readonly LiteDbStore _store = LiteDbStore.CreateInMemory();

    public LiteDbInMemoryCompoundQueryTests()
    {
        Storage = new LiteDbGrainStorage(_store);
        Queries = new LiteDbDocumentQueries(_store);
    }

    protected override IGrainStorage Storage { get; }

    protected override IDocumentQueries Queries { get; }

    protected override Task EnsureIndexesAsync()
    {
        _store.EnsureIndexes();
        return Task.CompletedTask;
    }

    public void Dispose() => _store.Dispose();
}

/// <summary>The same contract against a database file in a temp directory.</summary>
public sealed class LiteDbFileCompoundQueryTests : CompoundQueryConformance, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly LiteDbStore _store;

    public LiteDbFileCompoundQueryTests()
    {
        _store = new LiteDbStore(_dir.Path);
        Storage = new LiteDbGrainStorage(_store);
        Queries = new LiteDbDocumentQueries(_store);
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
        _dir.Dispose();
    }
}

/// <summary>The compound contract with every search taken as a search of many matches (walked in sort order).</summary>
public sealed class LiteDbManySearchMatchesCompoundQueryTests : CompoundQueryConformance, IDisposable
{
    private readonly LiteDbStore _store = LiteDbStore.CreateInMemory();

    public LiteDbManySearchMatchesCompoundQueryTests()
    {
        Storage = new LiteDbGrainStorage(_store);
        Queries = new LiteDbDocumentQueries(_store, fewSearchMatches: 0);
    }

    protected override IGrainStorage Storage { get; }

    protected override IDocumentQueries Queries { get; }

    protected override Task EnsureIndexesAsync()
    {
        _store.EnsureIndexes();
        return Task.CompletedTask;
    }

    public void Dispose() => _store.Dispose();
}
