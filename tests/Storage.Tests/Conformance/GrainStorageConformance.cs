using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Users;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Conformance;

/// <summary>
/// The contract every CRM grain storage must meet. A store's test class derives from this and
/// supplies a fresh, empty <see cref="IGrainStorage"/> per test instance.
/// </summary>
public abstract class GrainStorageConformance
{
    protected abstract IGrainStorage Storage { get; }

    protected static GrainId LeadId(string key) => GrainId.Create("lead", key);

    protected static string NewKey() => "lead-" + Guid.NewGuid().ToString("N");

    protected async Task<IGrainState<T>> ReadAsync<T>(string stateName, GrainId id)
    {
        IGrainState<T> state = new GrainState<T>();
        await Storage.ReadStateAsync(stateName, id, state);
        return state;
    }

    protected async Task<IGrainState<T>> WriteNewAsync<T>(string stateName, GrainId id, T value)
    {
        IGrainState<T> state = new GrainState<T>(value);
        await Storage.WriteStateAsync(stateName, id, state);
        return state;
    }

    [Fact]
    public async Task Read_of_a_missing_record_gives_a_fresh_state_and_no_etag()
    {
        IGrainState<LeadState> state = new GrainState<LeadState>(Samples.Lead("leftover")) { ETag = "stale", RecordExists = true };

        await Storage.ReadStateAsync(StorageNames.Leads, LeadId(NewKey()), state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.NotNull(state.State);
        Assert.Equal("", state.State.Name);
        Assert.Null(state.State.Email);
    }

    [Fact]
    public async Task Write_then_read_round_trips_every_field()
    {
        var id = LeadId(NewKey());
        var lead = Samples.Lead();

        var written = await WriteNewAsync(StorageNames.Leads, id, lead);
        var read = await ReadAsync<LeadState>(StorageNames.Leads, id);

        Assert.NotNull(written.ETag);
        Assert.True(written.RecordExists);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Samples.AssertSameLead(lead, read.State);
    }

    [Fact]
    public async Task Update_with_the_current_etag_succeeds_and_changes_the_etag()
    {
        var id = LeadId(NewKey());
        var state = await WriteNewAsync(StorageNames.Leads, id, Samples.Lead());
        var first = state.ETag;

        state.State.Name = "Renamed";
        state.State.Status = LeadStatus.Converted;
        await Storage.WriteStateAsync(StorageNames.Leads, id, state);

        Assert.NotNull(state.ETag);
        Assert.NotEqual(first, state.ETag);
        var read = await ReadAsync<LeadState>(StorageNames.Leads, id);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal("Renamed", read.State.Name);
        Assert.Equal(LeadStatus.Converted, read.State.Status);
    }

    [Fact]
    public async Task Clear_removes_the_record_and_resets_the_state()
    {
        var id = LeadId(NewKey());
        var state = await WriteNewAsync(StorageNames.Leads, id, Samples.Lead());

        await Storage.ClearStateAsync(StorageNames.Leads, id, state);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal("", state.State.Name);
        var read = await ReadAsync<LeadState>(StorageNames.Leads, id);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal("", read.State.Name);
    }

    [Fact]
    public async Task A_cleared_record_can_be_created_again()
    {
        var id = LeadId(NewKey());
        var state = await WriteNewAsync(StorageNames.Leads, id, Samples.Lead());
        await Storage.ClearStateAsync(StorageNames.Leads, id, state);

        state.State = Samples.Lead("Second life");
        await Storage.WriteStateAsync(StorageNames.Leads, id, state);

        var read = await ReadAsync<LeadState>(StorageNames.Leads, id);
        Assert.True(read.RecordExists);
        Assert.Equal("Second life", read.State.Name);
    }

    [Fact]
    public async Task Clear_of_a_missing_record_without_etag_is_a_no_op()
    {
        var id = LeadId(NewKey());
        IGrainState<LeadState> state = new GrainState<LeadState>(Samples.Lead());

        await Storage.ClearStateAsync(StorageNames.Leads, id, state);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.False((await ReadAsync<LeadState>(StorageNames.Leads, id)).RecordExists);
    }

    [Fact]
    public async Task First_write_of_an_existing_id_conflicts_and_keeps_the_stored_state()
    {
        var id = LeadId(NewKey());
        var original = await WriteNewAsync(StorageNames.Leads, id, Samples.Lead("Original"));

        var intruder = new GrainState<LeadState>(Samples.Lead("Intruder"));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StorageNames.Leads, id, intruder));

        var read = await ReadAsync<LeadState>(StorageNames.Leads, id);
        Assert.Equal("Original", read.State.Name);
        Assert.Equal(original.ETag, read.ETag);
    }

    [Fact]
    public async Task Update_with_a_stale_etag_conflicts_and_keeps_the_stored_state()
    {
        var id = LeadId(NewKey());
        var winner = await WriteNewAsync(StorageNames.Leads, id, Samples.Lead("v1"));
        var loser = await ReadAsync<LeadState>(StorageNames.Leads, id);
        winner.State.Name = "v2";
        await Storage.WriteStateAsync(StorageNames.Leads, id, winner);

        loser.State.Name = "lost update";
        var e = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StorageNames.Leads, id, loser));

        Assert.NotNull(e.Message);
        var read = await ReadAsync<LeadState>(StorageNames.Leads, id);
        Assert.Equal("v2", read.State.Name);
        Assert.Equal(winner.ETag, read.ETag);
    }

    [Fact]
    public async Task Update_of_a_deleted_record_conflicts()
    {
        var id = LeadId(NewKey());
        var a = await WriteNewAsync(StorageNames.Leads, id, Samples.Lead());
        var b = await ReadAsync<LeadState>(StorageNames.Leads, id);
        await Storage.ClearStateAsync(StorageNames.Leads, id, a);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StorageNames.Leads, id, b));
        Assert.False((await ReadAsync<LeadState>(StorageNames.Leads, id)).RecordExists);
    }

    [Fact]
    public async Task Clear_with_a_stale_etag_conflicts_and_keeps_the_record()
    {
        var id = LeadId(NewKey());
        var stale = await WriteNewAsync(StorageNames.Leads, id, Samples.Lead("v1"));
        var current = await ReadAsync<LeadState>(StorageNames.Leads, id);
        current.State.Name = "v2";
        await Storage.WriteStateAsync(StorageNames.Leads, id, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StorageNames.Leads, id, stale));

        var read = await ReadAsync<LeadState>(StorageNames.Leads, id);
        Assert.True(read.RecordExists);
        Assert.Equal("v2", read.State.Name);
    }

    [Fact]
    public async Task Clear_without_etag_of_an_existing_record_conflicts()
    {
        var id = LeadId(NewKey());
        await WriteNewAsync(StorageNames.Leads, id, Samples.Lead());

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.ClearStateAsync(StorageNames.Leads, id, new GrainState<LeadState>(new LeadState())));

        Assert.True((await ReadAsync<LeadState>(StorageNames.Leads, id)).RecordExists);
    }

    [Fact]
    public async Task Concurrent_writers_with_one_etag_exactly_one_wins_each_round()
    {
        const int rounds = 20;
        const int writers = 8;
        var id = LeadId(NewKey());
        var current = await WriteNewAsync(StorageNames.Leads, id, Samples.Lead("round 0"));

        for (var round = 1; round <= rounds; round++)
        {
            var etag = current.ETag;
            using var gate = new Barrier(writers);
            var attempts = Enumerable.Range(0, writers).Select(w =>
            {
                IGrainState<LeadState> state = new GrainState<LeadState>(Samples.Lead($"round {round} writer {w}")) { ETag = etag, RecordExists = true };
                return (State: state, Task: Task.Run(async () =>
                {
                    gate.SignalAndWait();
                    await Storage.WriteStateAsync(StorageNames.Leads, id, state);
                }));
            }).ToList();

            try
            {
                await Task.WhenAll(attempts.Select(a => a.Task));
            }
            catch (InconsistentStateException)
            {
                // Inspected below.
            }

            var winners = attempts.Where(a => a.Task.IsCompletedSuccessfully).ToList();
            var losers = attempts.Where(a => !a.Task.IsCompletedSuccessfully).ToList();
            Assert.Single(winners);
            Assert.Equal(writers - 1, losers.Count);
            Assert.All(losers, a => Assert.IsType<InconsistentStateException>(a.Task.Exception!.InnerException));

            var read = await ReadAsync<LeadState>(StorageNames.Leads, id);
            Assert.Equal(winners[0].State.State.Name, read.State.Name);
            Assert.Equal(winners[0].State.ETag, read.ETag);
            current = read;
        }
    }

    [Fact]
    public async Task A_large_state_round_trips()
    {
        var id = LeadId(NewKey());
        var notes = string.Concat(Enumerable.Range(0, 1024 * 1024 / 16).Select(i => i.ToString("x15", System.Globalization.CultureInfo.InvariantCulture) + "\n"));
        var lead = Samples.Lead();
        lead.Notes = notes;

        await WriteNewAsync(StorageNames.Leads, id, lead);
        var read = await ReadAsync<LeadState>(StorageNames.Leads, id);

        Assert.Equal(1024 * 1024, read.State.Notes!.Length);
        Assert.Equal(notes, read.State.Notes);
    }

    [Fact]
    public async Task Unicode_round_trips_in_values_and_ids()
    {
        var id = LeadId("lead-ü-李-🚀-" + Guid.NewGuid().ToString("N"));
        var lead = Samples.Lead("Zoë 🚀 李小龍 — שלום עולם مرحبا");
        lead.Company = "株式会社テスト 🏢";
        lead.Notes = "  leading and trailing spaces kept  ";
        lead.Phone = "";

        await WriteNewAsync(StorageNames.Leads, id, lead);
        var read = await ReadAsync<LeadState>(StorageNames.Leads, id);

        Samples.AssertSameLead(lead, read.State);
    }

    [Fact]
    public async Task Ids_differing_only_by_case_are_different_records()
    {
        var key = NewKey();
        var lower = LeadId(key + "-abc");
        var upper = LeadId(key + "-ABC");

        await WriteNewAsync(StorageNames.Leads, lower, Samples.Lead("lower"));
        await WriteNewAsync(StorageNames.Leads, upper, Samples.Lead("upper"));

        Assert.Equal("lower", (await ReadAsync<LeadState>(StorageNames.Leads, lower)).State.Name);
        Assert.Equal("upper", (await ReadAsync<LeadState>(StorageNames.Leads, upper)).State.Name);
    }

    [Fact]
    public async Task State_names_are_separate_collections()
    {
        var id = LeadId(NewKey());
        await WriteNewAsync(StorageNames.Leads, id, Samples.Lead("a lead"));

        var asUser = await ReadAsync<UserState>(StorageNames.Users, id);

        Assert.False(asUser.RecordExists);
        Assert.True((await ReadAsync<LeadState>(StorageNames.Leads, id)).RecordExists);
    }

    [Fact]
    public async Task DateTime_round_trips_as_utc_with_millisecond_precision()
    {
        var id = LeadId(NewKey());
        var precise = new DateTime(2023, 12, 31, 23, 59, 59, 987, DateTimeKind.Utc).AddTicks(6543);
        var probe = new ProbeState { At = precise, MaybeAt = precise.AddDays(1) };

        await WriteNewAsync("probes", id, probe);
        var read = (await ReadAsync<ProbeState>("probes", id)).State;

        var truncated = new DateTime(2023, 12, 31, 23, 59, 59, 987, DateTimeKind.Utc);
        Assert.Equal(DateTimeKind.Utc, read.At.Kind);
        Assert.Equal(truncated.Ticks, read.At.Ticks);
        Assert.NotNull(read.MaybeAt);
        Assert.Equal(DateTimeKind.Utc, read.MaybeAt!.Value.Kind);
        Assert.Equal(truncated.AddDays(1).Ticks, read.MaybeAt.Value.Ticks);
    }

    [Fact]
    public async Task An_unspecified_DateTime_is_taken_as_utc()
    {
        var id = LeadId(NewKey());
        var unspecified = new DateTime(2024, 2, 29, 12, 0, 0, 5, DateTimeKind.Unspecified);

        await WriteNewAsync("probes", id, new ProbeState { At = unspecified });
        var read = (await ReadAsync<ProbeState>("probes", id)).State;

        Assert.Equal(DateTimeKind.Utc, read.At.Kind);
        Assert.Equal(unspecified.Ticks, read.At.Ticks);
    }

    [Fact]
    public async Task Decimal_enum_list_and_an_Id_property_round_trip_exactly()
    {
        var id = LeadId(NewKey());
        var probe = new ProbeState
        {
            Id = "not-the-document-id",
            Amount = 12345678901234.5678901234m,
            Status = LeadStatus.Unqualified,
            Tags = ["b", "a", "b"],
        };

        await WriteNewAsync("probes", id, probe);
        var read = (await ReadAsync<ProbeState>("probes", id)).State;

        Assert.Equal("not-the-document-id", read.Id);
        Assert.Equal(12345678901234.5678901234m, read.Amount);
        Assert.Equal(LeadStatus.Unqualified, read.Status);
        Assert.Equal(["b", "a", "b"], read.Tags);
    }

    [Fact]
    public async Task A_null_round_trips_as_null_even_when_the_class_default_is_not_null()
    {
        var id = LeadId(NewKey());

        await WriteNewAsync("probes", id, new ProbeState { Defaulted = null });
        var read = (await ReadAsync<ProbeState>("probes", id)).State;

        Assert.Null(read.Defaulted);
    }

    [Fact]
    public async Task A_field_set_to_null_is_gone_after_update()
    {
        var id = LeadId(NewKey());
        var state = await WriteNewAsync(StorageNames.Leads, id, Samples.Lead());
        Assert.Equal("ada@example.com", (await ReadAsync<LeadState>(StorageNames.Leads, id)).State.Email);

        state.State.Email = null;
        state.State.Notes = null;
        state.State.OwnerId = null;
        await Storage.WriteStateAsync(StorageNames.Leads, id, state);

        var read = await ReadAsync<LeadState>(StorageNames.Leads, id);
        Assert.Null(read.State.Email);
        Assert.Null(read.State.Notes);
        Assert.Null(read.State.OwnerId);
        Assert.Equal("Ada Lovelace", read.State.Name);
        Assert.Equal("Analytical Engines", read.State.Company);
    }
}
