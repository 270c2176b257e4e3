using System.Security.Cryptography;
using System.Text;
using CrmChatbot.Common;

namespace CrmChatbot.Imports;

/// <summary>What an import does with a row whose email or phone another lead already holds.</summary>
public enum ImportOnDuplicate
{
    /// <summary>Leave the existing lead alone; the row is reported as a duplicate of it.</summary>
    Skip,

    /// <summary>Change the existing lead with the row's non-empty cells.</summary>
    Update,

    /// <summary>Create a second lead anyway (as <c>allow_duplicate=true</c> does).</summary>
    CreateDuplicate,
}

public enum ImportStatus
{
    Running,
    Completed,
}

public enum ImportRowOutcome
{
    Created,
    Updated,
    Duplicate,
    Invalid,
}

/// <summary>One data row of an uploaded file: its 1-based number (the header is not counted) and its cells in the job's field order.</summary>
[GenerateSerializer, Immutable, Alias("crm.import-row")]
public sealed class ImportRow
{
    [Id(0)] public int Row { get; set; }

    [Id(1)] public List<string?> Values { get; set; } = [];

    /// <summary>Why the row cannot be read at all (more cells than the header), or null.</summary>
    [Id(2)] public string? Problem { get; set; }
}

/// <summary>What happened to one row (in a dry run: what would happen).</summary>
[GenerateSerializer, Immutable, Alias("crm.import-row-result")]
public sealed class ImportRowResult
{
    [Id(0)] public int Row { get; set; }

    [Id(1)] public ImportRowOutcome Outcome { get; set; }

    /// <summary>The lead created or updated.</summary>
    [Id(2)] public string? LeadId { get; set; }

    /// <summary>For a duplicate: the lead that holds the row's email or phone.</summary>
    [Id(3)] public string? DuplicateOf { get; set; }

    /// <summary>In a dry run: the earlier row of the file with the same email or phone.</summary>
    [Id(4)] public int? DuplicateOfRow { get; set; }

    /// <summary>For a duplicate: email or phone; for an invalid row: the first field at fault.</summary>
    [Id(5)] public string? Field { get; set; }

    /// <summary>For an invalid row: every field at fault with its reasons (the rules of <c>POST /api/leads</c>).</summary>
    [Id(6)] public Dictionary<string, string[]>? Errors { get; set; }
}

/// <summary>How to run an import: set once, when it starts.</summary>
[GenerateSerializer, Immutable, Alias("crm.import-settings")]
public sealed record ImportSettings(
    [property: Id(0)] ImportOnDuplicate OnDuplicate,
    [property: Id(1)] bool DryRun,
    [property: Id(2)] IReadOnlyList<string> Fields,
    [property: Id(3)] string? FileName,
    [property: Id(4)] Actor Actor,
    [property: Id(5)] int RowsTotal,
    [property: Id(6)] int ChunkCount,
    [property: Id(7)] int ChunkSize,
    [property: Id(8)] IReadOnlyList<string> Headers,
    [property: Id(9)] IReadOnlyList<string> IgnoredColumns);

/// <summary>An import's progress as the API returns it.</summary>
[GenerateSerializer, Immutable, Alias("crm.import-job")]
public sealed record ImportJobDto(
    [property: Id(0)] string Id,
    [property: Id(1)] ImportStatus Status,
    [property: Id(2)] bool DryRun,
    [property: Id(3)] ImportOnDuplicate OnDuplicate,
    [property: Id(4)] string? FileName,
    [property: Id(5)] int RowsTotal,
    [property: Id(6)] int RowsDone,
    [property: Id(7)] int Created,
    [property: Id(8)] int Updated,
    [property: Id(9)] int Duplicates,
    [property: Id(10)] int Invalid,
    [property: Id(11)] string? CreatedBy,
    [property: Id(12)] DateTime CreatedAt,
    [property: Id(13)] DateTime UpdatedAt,
    [property: Id(14)] DateTime? FinishedAt,
    [property: Id(15)] IReadOnlyList<string> Headers,
    [property: Id(16)] IReadOnlyList<string> Fields,
    [property: Id(17)] IReadOnlyList<string> IgnoredColumns);

/// <summary>
/// One lead import (keyed by its id). It works through the uploaded rows chunk by chunk, committing each chunk's
/// results and its cursor before the next; after a restart its reminder resumes it at the first unfinished chunk.
/// </summary>
[Alias("crm.IImportJobGrain")]
public interface IImportJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the import of the chunks already stored (<see cref="IImportChunkGrain"/>); a second call returns the job as it is.</summary>
    [Alias("Start")]
    Task<ImportJobDto> StartAsync(ImportSettings settings);

    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave]
    Task<ImportJobDto?> GetAsync();

    /// <summary>A page of the results of the rows done so far, in row order.</summary>
    [Alias("Results"), Orleans.Concurrency.AlwaysInterleave]
    Task<Page<ImportRowResult>> GetResultsAsync(int offset, int limit);
}

/// <summary>A slice of an uploaded file (key <c>{importId}-{n}</c>): its rows, and their results once done.</summary>
[Alias("crm.IImportChunkGrain")]
public interface IImportChunkGrain : IGrainWithStringKey
{
    [Alias("Store")]
    Task StoreAsync(List<ImportRow> rows);

    [Alias("Rows")]
    Task<List<ImportRow>> GetRowsAsync();

    [Alias("SaveResults")]
    Task SaveResultsAsync(List<ImportRowResult> results);

    [Alias("ResultsOf")]
    Task<List<ImportRowResult>> GetResultsAsync();
}

/// <summary>Names and ids of imports.</summary>
public static class ImportNames
{
    public const string Jobs = "imports";

    public const string Chunks = "import_chunks";

    /// <summary>The fields a CSV column can fill: those of <c>POST /api/leads</c>.</summary>
    public static IReadOnlyList<string> Fields { get; } =
        ["name", "email", "phone", "company", "status", "source", "notes", "owner_id", "campaign_id", "lost_reason"];

    public static string ChunkKey(string importId, int chunk) => $"{importId}-{chunk:D6}";

    /// <summary>
    /// The id of the lead a row creates: derived from the import and the row, so a row done again after a restart
    /// finds the lead it created before instead of creating a second one.
    /// </summary>
    public static string LeadId(string importId, int row)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"import/{importId}/{row}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: a custom, name-based UUID
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }
}
