using CrmChatbot.Common;

namespace CrmChatbot.Imports;

[GenerateSerializer, Alias("crm.import-chunk-state")]
public sealed class ImportChunkState
{
    [Id(0)] public List<ImportRow> Rows { get; set; } = [];

    [Id(1)] public List<ImportRowResult> Results { get; set; } = [];
}

/// <summary>
/// A slice of an uploaded file, kept in the store (so any silo can resume the import), with its rows' results once
/// the job has done them. It deactivates when idle, so a large import does not keep its file in memory.
/// </summary>
public sealed class ImportChunkGrain(
    [PersistentState(ImportNames.Chunks, StorageNames.Crm)] IPersistentState<ImportChunkState> chunk) : Grain, IImportChunkGrain
{
    public async Task StoreAsync(List<ImportRow> rows)
    {
        await chunk.ReplaceAsync(new ImportChunkState { Rows = rows }, DeactivateOnIdle);
        DeactivateOnIdle();
    }

    public Task<List<ImportRow>> GetRowsAsync() => Task.FromResult(chunk.State.Rows);

    public async Task SaveResultsAsync(List<ImportRowResult> results)
    {
        await chunk.ReplaceAsync(new ImportChunkState { Rows = chunk.State.Rows, Results = results }, DeactivateOnIdle);
        DeactivateOnIdle();
    }

    public Task<List<ImportRowResult>> GetResultsAsync() => Task.FromResult(chunk.State.Results);
}
