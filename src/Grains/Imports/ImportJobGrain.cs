using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Users;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Imports;

[GenerateSerializer, Alias("crm.import-job-state")]
public sealed class ImportJobState
{
    [Id(0)] public ImportSettings? Settings { get; set; }

    [Id(1)] public ImportStatus Status { get; set; }

    /// <summary>The cursor: chunks before this one are done and their results stored.</summary>
    [Id(2)] public int NextChunk { get; set; }

    [Id(3)] public int RowsDone { get; set; }

    [Id(4)] public int Created { get; set; }

    [Id(5)] public int Updated { get; set; }

    [Id(6)] public int Duplicates { get; set; }

    [Id(7)] public int Invalid { get; set; }

    [Id(8)] public DateTime CreatedAt { get; set; }

    [Id(9)] public DateTime UpdatedAt { get; set; }

    [Id(10)] public DateTime? FinishedAt { get; set; }
}

/// <summary>
/// Runs one lead import. Rows go through the lead grains exactly as <c>POST /api/leads</c> does (the same rules and
/// the same email/phone claims), up to <see cref="Parallelism"/> at a time; rows sharing an email or phone run in
/// file order, so the first one wins. After each chunk its results and then the cursor are stored. A restart resumes
/// at the first unfinished chunk (from activation, or from the durable reminder that fires while the job runs): its
/// rows are done again, and since a row's lead id is derived from the import and the row
/// (<see cref="ImportNames.LeadId"/>), a row that created its lead before the crash finds it instead of creating
/// another one.
/// </summary>
public sealed partial class ImportJobGrain(
    [PersistentState(ImportNames.Jobs, StorageNames.Crm)] IPersistentState<ImportJobState> job,
    IUserQueries users,
    IEntityDirectory directory,
    TimeProvider clock,
    ILogger<ImportJobGrain> logger) : Grain, IImportJobGrain, IRemindable
{
    public const int Parallelism = 128;
    private const string ResumeReminder = "resume";

    private readonly Dictionary<string, bool> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _campaigns = new(StringComparer.Ordinal);
    private IGrainTimer? _runner;
    private bool _running;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (job.State is { Settings: not null, Status: ImportStatus.Running })
        {
            Run();
        }

        return Task.CompletedTask;
    }

    public async Task<ImportJobDto> StartAsync(ImportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (job.State.Settings is null)
        {
            var now = Timestamps.Now(clock);
            await job.ReplaceAsync(new ImportJobState { Settings = settings, CreatedAt = now, UpdatedAt = now }, DeactivateOnIdle);
            // Due soon after a crash, then every minute while the import runs; unregistered when it completes.
            await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            Run();
        }

        return ToDto();
    }

    public Task<ImportJobDto?> GetAsync() => Task.FromResult(job.State.Settings is null ? null : ToDto());

    public async Task<Page<ImportRowResult>> GetResultsAsync(int offset, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var settings = job.State.Settings;
        var done = job.State.RowsDone;
        if (settings is null || offset >= done)
        {
            return new Page<ImportRowResult>([], done, null);
        }

        var items = new List<ImportRowResult>(limit);
        // Every chunk but the last holds ChunkSize rows, and chunks are done in order.
        for (var chunk = offset / settings.ChunkSize; chunk < job.State.NextChunk && items.Count < limit; chunk++)
        {
            var results = await GrainFactory.Reference<IImportChunkGrain>(ImportNames.ChunkKey(this.GetPrimaryKeyString(), chunk)).GetResultsAsync();
            var skip = chunk == offset / settings.ChunkSize ? offset % settings.ChunkSize : 0;
            items.AddRange(results.Skip(skip).Take(limit - items.Count));
        }

        var next = offset + items.Count;
        return new Page<ImportRowResult>(items, done, next < done ? next : null);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (job.State is { Settings: not null, Status: ImportStatus.Running })
        {
            Run();
            return Task.CompletedTask;
        }

        return UnregisterAsync();
    }

    /// <summary>Starts the work loop unless it runs: on a timer that interleaves, so progress can be read meanwhile.</summary>
    private void Run()
    {
        if (_running)
        {
            return;
        }

        _running = true;
        _runner?.Dispose();
        _runner = this.RegisterGrainTimer(
            RunAsync,
            new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = true });
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var settings = job.State.Settings!;
            var seen = settings.DryRun ? await SeenBeforeAsync(settings) : null;
            while (job.State.NextChunk < settings.ChunkCount && !cancellationToken.IsCancellationRequested)
            {
                DelayDeactivation(TimeSpan.FromMinutes(10));
                var chunk = GrainFactory.Reference<IImportChunkGrain>(ImportNames.ChunkKey(this.GetPrimaryKeyString(), job.State.NextChunk));
                var rows = await chunk.GetRowsAsync();
                var results = await ProcessAsync(settings, rows, seen);
                await chunk.SaveResultsAsync(results);

                var next = Copy(job.State);
                next.NextChunk++;
                next.RowsDone += rows.Count;
                next.Created += results.Count(r => r.Outcome == ImportRowOutcome.Created);
                next.Updated += results.Count(r => r.Outcome == ImportRowOutcome.Updated);
                next.Duplicates += results.Count(r => r.Outcome == ImportRowOutcome.Duplicate);
                next.Invalid += results.Count(r => r.Outcome == ImportRowOutcome.Invalid);
                next.UpdatedAt = Timestamps.Now(clock);
                if (next.NextChunk >= settings.ChunkCount)
                {
                    next.Status = ImportStatus.Completed;
                    next.FinishedAt = next.UpdatedAt;
                }

                await job.ReplaceAsync(next, () => { });
            }

            if (job.State.Status == ImportStatus.Completed)
            {
                await UnregisterAsync();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The reminder tries again; rows done again find what they did before.
            LogRunFailed(logger, this.GetPrimaryKeyString(), job.State.NextChunk, ex.Message);
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>
    /// The rows of one chunk, <see cref="Parallelism"/> at a time; a row whose email or phone an earlier row of the
    /// chunk has waits for that row, so of two rows with one email the first creates the lead and the second is its duplicate.
    /// </summary>
    private async Task<List<ImportRowResult>> ProcessAsync(ImportSettings settings, List<ImportRow> rows, Dictionary<string, int>? seen)
    {
        var results = new ImportRowResult[rows.Count];
        var last = new Dictionary<string, Task>(StringComparer.Ordinal);
        var slots = new SemaphoreSlim(Parallelism);
        var tasks = new List<Task>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var index = i;
            var (lead, errors) = ImportRowReader.Read(settings.Fields, rows[i]);
            var before = new List<Task>();
            foreach (var key in new[] { lead?.EmailKey, lead?.PhoneKey }.OfType<string>())
            {
                if (last.TryGetValue(key, out var earlier))
                {
                    before.Add(earlier);
                }
            }

            var task = RowAsync(index, lead, errors, before);
            foreach (var key in new[] { lead?.EmailKey, lead?.PhoneKey }.OfType<string>())
            {
                last[key] = task;
            }

            tasks.Add(task);
        }

        await Task.WhenAll(tasks);
        return [.. results];

        async Task RowAsync(int index, ImportedLead? lead, Dictionary<string, string[]>? errors, List<Task> before)
        {
            await Task.WhenAll(before);
            await slots.WaitAsync();
            try
            {
                var row = rows[index].Row;
                results[index] = lead is null
                    ? Invalid(row, errors!)
                    : settings.DryRun ? await DryRunRowAsync(settings, row, lead, seen!) : await ImportRowAsync(settings, row, lead);
            }
            finally
            {
                slots.Release();
            }
        }
    }

    private async Task<ImportRowResult> ImportRowAsync(ImportSettings settings, int row, ImportedLead input)
    {
        var lead = WithOwner(input.Lead, settings.Actor);
        if (await CheckAsync(row, lead, input.Patch) is { } invalid)
        {
            return invalid;
        }

        var id = ImportNames.LeadId(this.GetPrimaryKeyString(), row);
        var created = await GrainFactory.Reference<ILeadGrain>(id)
            .CreateAsync(lead, settings.Actor, allowDuplicate: settings.OnDuplicate == ImportOnDuplicate.CreateDuplicate);
        if (created.IsSuccess)
        {
            return new ImportRowResult { Row = row, Outcome = ImportRowOutcome.Created, LeadId = id };
        }

        var error = created.Error!;
        if (Holder(error) is { } existing)
        {
            if (settings.OnDuplicate != ImportOnDuplicate.Update)
            {
                return Duplicate(row, existing, error);
            }

            var updated = await GrainFactory.Reference<ILeadGrain>(existing).UpdateAsync(input.Patch, settings.Actor);
            return updated.IsSuccess
                ? new ImportRowResult { Row = row, Outcome = ImportRowOutcome.Updated, LeadId = existing }
                : Holder(updated.Error!) is { } other ? Duplicate(row, other, updated.Error!) : Invalid(row, updated.Error!);
        }

        // This row's lead exists: the row was done before a restart.
        if (error.Kind == ErrorKind.Conflict && await GrainFactory.Reference<ILeadGrain>(id).GetAsync() is not null)
        {
            return new ImportRowResult { Row = row, Outcome = ImportRowOutcome.Created, LeadId = id };
        }

        return Invalid(row, error);
    }

    /// <summary>What <see cref="ImportRowAsync"/> would do, reading only: the claims' holders, and the earlier rows of the file.</summary>
    private async Task<ImportRowResult> DryRunRowAsync(ImportSettings settings, int row, ImportedLead input, Dictionary<string, int> seen)
    {
        var lead = WithOwner(input.Lead, settings.Actor);
        if (await CheckAsync(row, lead, input.Patch) is { } invalid)
        {
            return invalid;
        }

        var id = ImportNames.LeadId(this.GetPrimaryKeyString(), row);
        var keys = new[] { input.EmailKey, input.PhoneKey }.OfType<string>().ToList();
        if (settings.OnDuplicate != ImportOnDuplicate.CreateDuplicate)
        {
            foreach (var key in keys)
            {
                var field = ContactKeys.FieldOf(key);
                if (await GrainFactory.Reference<ILeadContactClaimGrain>(key).GetHolderAsync() is { } holder &&
                    await directory.ExistsAsync(StorageNames.Leads, holder))
                {
                    if (settings.OnDuplicate == ImportOnDuplicate.Skip)
                    {
                        return new ImportRowResult { Row = row, Outcome = ImportRowOutcome.Duplicate, DuplicateOf = holder, Field = field };
                    }

                    var current = await GrainFactory.Reference<ILeadGrain>(holder).GetAsync();
                    return current is null
                        ? new ImportRowResult { Row = row, Outcome = ImportRowOutcome.Created, LeadId = id }
                        : new ImportRowResult { Row = row, Outcome = ImportRowOutcome.Updated, LeadId = holder };
                }

                if (seen.TryGetValue(key, out var earlier))
                {
                    return new ImportRowResult
                    {
                        Row = row,
                        Outcome = settings.OnDuplicate == ImportOnDuplicate.Skip ? ImportRowOutcome.Duplicate : ImportRowOutcome.Updated,
                        DuplicateOfRow = earlier,
                        Field = field,
                    };
                }
            }
        }

        foreach (var key in keys)
        {
            seen.TryAdd(key, row);
        }

        return new ImportRowResult { Row = row, Outcome = ImportRowOutcome.Created, LeadId = id };
    }

    /// <summary>The checks of <c>POST /api/leads</c> that need no write: the field rules, an active staff owner, an existing campaign.</summary>
    private async Task<ImportRowResult?> CheckAsync(int row, NewLead lead, LeadPatch patch)
    {
        var rules = LeadRules.Create(lead, Timestamps.Now(clock), lead.OwnerId);
        if (!rules.IsSuccess)
        {
            return Invalid(row, rules.Error!);
        }

        if (patch.OwnerId.HasValue && !await IsActiveStaffAsync(rules.Value!.OwnerId!))
        {
            return Invalid(row, CommandError.Invalid("owner_id", "must be the id of an active agent or admin"));
        }

        if (rules.Value!.CampaignId is { } campaign && !await CampaignExistsAsync(campaign))
        {
            return Invalid(row, CommandError.Invalid("campaign_id", "is not the id of an existing campaign"));
        }

        return null;
    }

    /// <summary>A lead nobody owns is a lead nobody follows up: by default the importing user owns it, as with POST.</summary>
    private static NewLead WithOwner(NewLead lead, Actor actor) => lead.OwnerId is null ? lead with { OwnerId = actor.UserId } : lead;

    private async Task<bool> IsActiveStaffAsync(string ownerId)
    {
        if (!_owners.TryGetValue(ownerId, out var ok))
        {
            var user = ownerId.Length <= 64 ? await users.FindByIdAsync(ownerId) : null;
            ok = user is { IsActive: true } && user.Role.IsStaff();
            _owners[ownerId] = ok;
        }

        return ok;
    }

    private async Task<bool> CampaignExistsAsync(string campaignId)
    {
        if (!_campaigns.TryGetValue(campaignId, out var ok))
        {
            ok = await directory.ExistsAsync(LeadStorageNames.Campaigns, campaignId);
            _campaigns[campaignId] = ok;
        }

        return ok;
    }

    /// <summary>A dry run resumed after a restart: the contacts the rows already done would have claimed.</summary>
    private async Task<Dictionary<string, int>> SeenBeforeAsync(ImportSettings settings)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var chunk = 0; chunk < job.State.NextChunk; chunk++)
        {
            var grain = GrainFactory.Reference<IImportChunkGrain>(ImportNames.ChunkKey(this.GetPrimaryKeyString(), chunk));
            var rows = await grain.GetRowsAsync();
            var results = await grain.GetResultsAsync();
            for (var i = 0; i < rows.Count && i < results.Count; i++)
            {
                if (results[i].Outcome == ImportRowOutcome.Created && ImportRowReader.Read(settings.Fields, rows[i]).Lead is { } lead)
                {
                    foreach (var key in new[] { lead.EmailKey, lead.PhoneKey }.OfType<string>())
                    {
                        seen.TryAdd(key, rows[i].Row);
                    }
                }
            }
        }

        return seen;
    }

    private static string? Holder(CommandError error) =>
        error is { Kind: ErrorKind.Conflict, Fields: { } fields } && fields.TryGetValue("existing_id", out var holder) ? holder[0] : null;

    private static ImportRowResult Duplicate(int row, string existing, CommandError error) => new()
    {
        Row = row,
        Outcome = ImportRowOutcome.Duplicate,
        DuplicateOf = existing,
        Field = error.Fields is { } fields && fields.TryGetValue("field", out var field) ? field[0] : null,
    };

    private static ImportRowResult Invalid(int row, CommandError error) =>
        Invalid(row, error.Fields is { Count: > 0 } fields
            ? fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal)
            : new Dictionary<string, string[]>(StringComparer.Ordinal) { ["row"] = [error.Message] });

    private static ImportRowResult Invalid(int row, Dictionary<string, string[]> errors) => new()
    {
        Row = row,
        Outcome = ImportRowOutcome.Invalid,
        Field = errors.Keys.FirstOrDefault(),
        Errors = errors,
    };

    private async Task UnregisterAsync()
    {
        if (await this.GetReminder(ResumeReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private ImportJobDto ToDto()
    {
        var s = job.State;
        var settings = s.Settings!;
        return new ImportJobDto(
            this.GetPrimaryKeyString(), s.Status, settings.DryRun, settings.OnDuplicate, settings.FileName, settings.RowsTotal,
            s.RowsDone, s.Created, s.Updated, s.Duplicates, s.Invalid, settings.Actor.UserId, s.CreatedAt, s.UpdatedAt, s.FinishedAt,
            settings.Headers, settings.Fields, settings.IgnoredColumns);
    }

    private static ImportJobState Copy(ImportJobState s) => new()
    {
        Settings = s.Settings,
        Status = s.Status,
        NextChunk = s.NextChunk,
        RowsDone = s.RowsDone,
        Created = s.Created,
        Updated = s.Updated,
        Duplicates = s.Duplicates,
        Invalid = s.Invalid,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        FinishedAt = s.FinishedAt,
    };

    [LoggerMessage(LogLevel.Warning, "Import {ImportId} stopped at chunk {Chunk} ({Reason}); its reminder resumes it")]
    private static partial void LogRunFailed(ILogger logger, string importId, int chunk, string reason);
}
