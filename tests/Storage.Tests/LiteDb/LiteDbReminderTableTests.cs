using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Storage.Reminders;
using CrmChatbot.Storage.Tests.Conformance;
using LiteDB;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Tests.LiteDb;

public sealed class LiteDbInMemoryReminderTableTests : ReminderTableConformance, IDisposable
{
    private readonly LiteDbStore _store = LiteDbStore.CreateInMemory();

    public LiteDbInMemoryReminderTableTests() => Table = new LiteDbReminderTable(_store);

    protected override IReminderTable Table { get; }

    public void Dispose() => _store.Dispose();
}

/// <summary>The same contract against a database file, plus what only a file store can show.</summary>
public sealed class LiteDbFileReminderTableTests : ReminderTableConformance, IDisposable
{
    private readonly TempDirectory _dir = new();
    private LiteDbStore _store;

    public LiteDbFileReminderTableTests()
    {
        _store = new LiteDbStore(_dir.Path);
        CurrentTable = new LiteDbReminderTable(_store);
    }

    protected override IReminderTable Table => CurrentTable;

    private IReminderTable CurrentTable { get; set; }

    [Fact]
    public async Task Rows_survive_reopening_the_file()
    {
        var grain = NewGrain();
        var entry = Entry(grain, "durable", T0, TimeSpan.FromMinutes(7));
        var etag = await UpsertAsync(entry);
        var removed = await UpsertAsync(Entry(grain, "removed"));
        Assert.True(await Table.RemoveRow(grain, "removed", removed));

        Reopen();

        AssertSame(entry, etag, await Table.ReadRow(grain, "durable"));
        Assert.Null(await Table.ReadRow(grain, "removed"));
        var hash = grain.GetUniformHashCode();
        Assert.Single((await Table.ReadRows(unchecked(hash - 1), hash)).Reminders, r => r.GrainId == grain);
        Assert.True(await Table.RemoveRow(grain, "durable", etag));
    }

    [Fact]
    public async Task Document_layout_and_indexes()
    {
        var grain = GrainId.Create("lead", "lead-7");
        var entry = Entry(grain, "a/b%c", T0, TimeSpan.FromMilliseconds(1500));
        var etag = await UpsertAsync(entry);

        var collection = _store.Database.GetCollection(ReminderFields.Collection);
        var doc = Assert.Single(collection.FindAll());
        Assert.Equal("lead/lead-7/a%2Fb%25c", doc["_id"].AsString);
        Assert.Equal("lead/lead-7", doc["grain_id"].AsString);
        Assert.Equal("a/b%c", doc["reminder_name"].AsString);
        Assert.Equal(BsonType.Int64, doc["grain_hash"].Type);
        Assert.Equal((long)grain.GetUniformHashCode(), doc["grain_hash"].AsInt64);
        Assert.Equal(BsonType.DateTime, doc["start_at"].Type);
        Assert.Equal(T0, doc["start_at"].AsDateTime.ToUniversalTime());
        Assert.Equal(BsonType.Int64, doc["period_ticks"].Type);
        Assert.Equal(TimeSpan.FromMilliseconds(1500).Ticks, doc["period_ticks"].AsInt64);
        Assert.Equal(etag, doc["etag"].AsString);
        Assert.Equal(7, doc.Keys.Count);

        var indexes = _store.Database.GetCollection("$indexes")
            .Find(Query.EQ("collection", ReminderFields.Collection))
            .Select(i => i["name"].AsString)
            .ToList();
        Assert.Contains("grain_hash", indexes);
        Assert.Contains("grain_id", indexes);
    }

    [Fact]
    public async Task Hashes_above_int_max_compare_unsigned()
    {
        // Find grains on both halves of the ring: a hash >= 2^31 must sort above one < 2^31.
        GrainId high = default, low = default;
        while (high.IsDefault || low.IsDefault)
        {
            var g = NewGrain();
            if (g.GetUniformHashCode() >= 0x8000_0000u)
            {
                high = g;
            }
            else
            {
                low = g;
            }
        }

        await UpsertAsync(Entry(high, "h"));
        await UpsertAsync(Entry(low, "l"));

        var upper = await Table.ReadRows(0x7FFF_FFFFu, uint.MaxValue);
        Assert.Contains(upper.Reminders, r => r.GrainId == high);
        Assert.DoesNotContain(upper.Reminders, r => r.GrainId == low);
    }

    private void Reopen()
    {
        _store.Dispose();
        _store = new LiteDbStore(_dir.Path);
        CurrentTable = new LiteDbReminderTable(_store);
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }
}
