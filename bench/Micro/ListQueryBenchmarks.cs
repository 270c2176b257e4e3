using BenchmarkDotNet.Attributes;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Storage.Queries;

namespace CrmChatbot.Benchmarks.Micro;

/// <summary>
/// <c>GET /api/leads?status=new&amp;sort=-created_at&amp;limit=50</c> and <c>q</c> searches without HTTP: the
/// store-neutral lead query over 100,000 leads in a LiteDB file, DTO mapping included.
/// </summary>
[MemoryDiagnoser]
public class ListQueryBenchmarks
{
    private static readonly LeadListQuery NewestNew = new() { Status = LeadStatus.New, Limit = 50 };

    private LiteDbStore _store = null!;
    private LeadQueries _queries = null!;

    [GlobalSetup]
    public void Setup()
    {
        _store = new LiteDbStore(LeadData.SeededDirectory());
        _queries = new LeadQueries(new LiteDbDocumentQueries(_store));
        var page = _queries.ListAsync(NewestNew).GetAwaiter().GetResult();
        if (page.Items.Count != 50 || page.Total < 10_000)
        {
            throw new InvalidOperationException($"Unexpected seed: {page.Items.Count} items of {page.Total}.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Description = "status=new, -created_at, limit 50")]
    public Task<Page<LeadDto>> StatusNewestFirst() => _queries.ListAsync(NewestNew);

    [Benchmark(Description = "status=new, -created_at, limit 50, offset 1000")]
    public Task<Page<LeadDto>> StatusNewestFirstOffset1000() => _queries.ListAsync(NewestNew with { Offset = 1000 });

    [Benchmark(Description = "status=new, -created_at, limit 50, after a write (total recounted)")]
    public Task<Page<LeadDto>> StatusNewestFirstAfterWrite()
    {
        _store.MarkChanged(StorageNames.Leads); // what any lead write does: the cached total is stale
        return _queries.ListAsync(NewestNew);
    }

    [Benchmark(Description = "q common (1 in 8 match), -created_at, limit 50")]
    public Task<Page<LeadDto>> SearchCommon() => _queries.ListAsync(new LeadListQuery { Text = LeadData.CommonNeedle, Limit = 50 });

    [Benchmark(Description = "q rare (1 match), -created_at, limit 50")]
    public Task<Page<LeadDto>> SearchRare() => _queries.ListAsync(new LeadListQuery { Text = LeadData.RareNeedle, Limit = 50 });
}
