using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Sqlite;
using CrmChatbot.Storage.Queries;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Benchmarks.Micro;

/// <summary>
/// <c>GET /api/leads?status=new&amp;sort=-created_at&amp;limit=50</c> and <c>q</c> searches without HTTP: the
/// store-neutral lead query over 100,000 leads in a SQLite file, DTO mapping included. The "after a write"
/// cases write one lead through grain storage first (the seeded file gets it back at the end), so their
/// totals cannot come from a cache: subtract "a lead write alone" for the list's own cost.
/// </summary>
[MemoryDiagnoser]
public class ListQueryBenchmarks
{
    private static readonly LeadListQuery NewestNew = new() { Status = LeadStatus.New, Limit = 50 };

    private static readonly GrainId WrittenLead = GrainId.Create("lead", "lead-000000");

    private readonly GrainState<LeadState> _written = new();
    private SqliteStore _store = null!;
    private LeadQueries _queries = null!;
    private SqliteGrainStorage _storage = null!;

    [GlobalSetup]
    public void Setup()
    {
        _store = new SqliteStore(LeadData.SeededDirectory());
        _queries = new LeadQueries(new SqliteDocumentQueries(_store));
        _storage = new SqliteGrainStorage(_store);
        _storage.ReadStateAsync(StorageNames.Leads, WrittenLead, _written).GetAwaiter().GetResult();
        if (_written.State!.Status != LeadStatus.New)
        {
            throw new InvalidOperationException($"Unexpected seed: {WrittenLead} is {_written.State!.Status}.");
        }

        ToggleStatusAsync().GetAwaiter().GetResult();
        var started = Stopwatch.GetTimestamp();
        var page = _queries.ListAsync(NewestNew).GetAwaiter().GetResult();
        Console.WriteLine($"// first list: {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        if (page.Items.Count != 50 || page.Total < 10_000)
        {
            throw new InvalidOperationException($"Unexpected seed: {page.Items.Count} items of {page.Total}.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_written.State!.Status != LeadStatus.New)
        {
            ToggleStatusAsync().GetAwaiter().GetResult(); // leave the seeded file as it was
        }

        _store.Dispose();
    }

    /// <summary>Moves the first seeded lead between new and contacted, as a grain's durable write does.</summary>
    private async Task ToggleStatusAsync()
    {
        _written.State!.Status = _written.State!.Status == LeadStatus.New ? LeadStatus.Contacted : LeadStatus.New;
        await _storage.WriteStateAsync(StorageNames.Leads, WrittenLead, _written);
    }

    [Benchmark(Description = "status=new, -created_at, limit 50")]
    public Task<Page<LeadDto>> StatusNewestFirst() => _queries.ListAsync(NewestNew);

    [Benchmark(Description = "status=new, -created_at, limit 50, offset 1000")]
    public Task<Page<LeadDto>> StatusNewestFirstOffset1000() => _queries.ListAsync(NewestNew with { Offset = 1000 });

    [Benchmark(Description = "a lead write alone (status new <-> contacted, etag-checked)")]
    public Task LeadWrite() => ToggleStatusAsync();

    [Benchmark(Description = "a lead write, then status=new, -created_at, limit 50 (exact total)")]
    public async Task<Page<LeadDto>> StatusNewestFirstAfterWrite()
    {
        // Every write changes the collection: the total must follow it (here it moves by one each time).
        await ToggleStatusAsync();
        return await _queries.ListAsync(NewestNew);
    }

    [Benchmark(Description = "a lead write, then status=new, owner_id=user-03, limit 50 (exact total)")]
    public async Task<Page<LeadDto>> StatusAndOwnerAfterWrite()
    {
        await ToggleStatusAsync();
        return await _queries.ListAsync(NewestNew with { OwnerId = "user-03" });
    }

    [Benchmark(Description = "q common (1 in 8 match), -created_at, limit 50")]
    public Task<Page<LeadDto>> SearchCommon() => _queries.ListAsync(new LeadListQuery { Text = LeadData.CommonNeedle, Limit = 50 });

    [Benchmark(Description = "q rare (1 match), -created_at, limit 50")]
    public Task<Page<LeadDto>> SearchRare() => _queries.ListAsync(new LeadListQuery { Text = LeadData.RareNeedle, Limit = 50 });
}
