using System.Collections.Concurrent;
using System.Text;
using CrmChatbot.Leads;
using CrmChatbot.Common;
using CrmChatbot.Storage.Sqlite;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Bench.Baseline;

/// <summary>The body the benchmark's PATCH sends: <c>{"notes": "..."}</c>.</summary>
internal sealed record NotesPatch(string? Notes);

/// <summary>Where the baseline's PATCH makes its change durable before answering.</summary>
internal interface ILeadWrites
{
    /// <summary>The lead after its notes changed and the change is durable; null when the id is unknown.</summary>
    Task<LeadDto?> UpdateNotesAsync(string id, string? notes);
}

/// <summary>
/// The embedded store's ceiling: the lead state read and written through the service's own
/// <see cref="SqliteGrainStorage"/> (compare-and-swap on the etag, helper columns, the
/// group-commit writer thread) on a copy of the service's data file. One write per PATCH: no grain, no
/// timeline entry, no domain rules. A gate per id stands in for the grain's single writer, and every
/// state is read before the endpoint opens, as the service's grains are warm when PATCH is measured.
/// </summary>
internal sealed class SqliteLeadWrites(SqliteStore store, TimeProvider clock) : ILeadWrites
{
    private readonly SqliteGrainStorage _storage = new(store);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Reads the state of every id through the grain storage (the grains' activation reads).</summary>
    public async Task LoadAsync(IEnumerable<string> ids)
    {
        await Parallel.ForEachAsync(ids, async (id, _) =>
        {
            var read = new GrainState<LeadState>();
            await _storage.ReadStateAsync(StorageNames.Leads, GrainId.Create("lead", id), read);
            if (read.RecordExists)
            {
                _entries[id] = new Entry { State = read };
            }
        });
    }

    public async Task<LeadDto?> UpdateNotesAsync(string id, string? notes)
    {
        var entry = _entries.GetOrAdd(id, _ => new Entry());
        await entry.Gate.WaitAsync();
        try
        {
            var grain = GrainId.Create("lead", id);
            if (entry.State is null)
            {
                var read = new GrainState<LeadState>();
                await _storage.ReadStateAsync(StorageNames.Leads, grain, read);
                if (!read.RecordExists)
                {
                    return null;
                }

                entry.State = read;
            }

            var state = entry.State.State!;
            state.Notes = notes;
            state.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            state.Version++;
            try
            {
                await _storage.WriteStateAsync(StorageNames.Leads, grain, entry.State);
            }
            catch
            {
                entry.State = null; // re-read next time: the in-memory copy ran ahead of the store
                throw;
            }

            return state.ToDto(id);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public GrainState<LeadState>? State { get; set; }
    }
}

/// <summary>
/// The disk's ceiling for a durable write: the changed lead appended as one JSON line to a journal file,
/// fsync'd before the answer, with group commit (one thread writes and syncs every line queued meanwhile).
/// The cheapest durable write there is; no index, no page, no read.
/// </summary>
internal sealed class JournalLeadWrites : ILeadWrites, IDisposable
{
    private readonly IReadOnlyDictionary<string, LeadDto> _leads;
    private readonly ConcurrentDictionary<string, LeadDto> _changed = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly FileStream _file;
    private readonly Queue<(byte[] Line, TaskCompletionSource Done)> _queue = new();
    private readonly object _gate = new();
    private readonly Thread _writer;

    public JournalLeadWrites(string path, IReadOnlyDictionary<string, LeadDto> leads, TimeProvider clock)
    {
        _leads = leads;
        _clock = clock;
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        _writer = new Thread(Run) { IsBackground = true, Name = "journal writer" };
        _writer.Start();
    }

    public async Task<LeadDto?> UpdateNotesAsync(string id, string? notes)
    {
        if (!_leads.TryGetValue(id, out var original))
        {
            return null;
        }

        // Last writer wins per id: enough for a ceiling (the service's grain serializes per id).
        var current = _changed.GetValueOrDefault(id, original);
        var next = current with { Notes = notes, UpdatedAt = _clock.GetUtcNow().UtcDateTime, Version = current.Version + 1 };
        _changed[id] = next;
        var line = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(next) + "\n");
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _queue.Enqueue((line, done));
            if (_queue.Count == 1)
            {
                Monitor.Pulse(_gate);
            }
        }

        await done.Task;
        return next;
    }

    public void Dispose() => _file.Dispose();

    private void Run()
    {
        var batch = new List<(byte[] Line, TaskCompletionSource Done)>();
        while (true)
        {
            lock (_gate)
            {
                while (_queue.Count == 0)
                {
                    Monitor.Wait(_gate);
                }

                while (_queue.TryDequeue(out var item))
                {
                    batch.Add(item);
                }
            }

            foreach (var (line, _) in batch)
            {
                _file.Write(line);
            }

            _file.Flush(flushToDisk: true);
            foreach (var (_, done) in batch)
            {
                done.SetResult();
            }

            batch.Clear();
        }
    }
}
