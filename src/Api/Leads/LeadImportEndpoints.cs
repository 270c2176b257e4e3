using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Api.Http;
using CrmChatbot.Api.OpenApi;
using CrmChatbot.Common;
using CrmChatbot.Imports;
using CsvHelper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace CrmChatbot.Api.Leads;

/// <summary>An import's progress and a page of its row results (<c>GET /api/imports/{id}</c>; also the answer to the upload).</summary>
public sealed record ImportResponse(
    string Id,
    ImportStatus Status,
    bool DryRun,
    ImportOnDuplicate OnDuplicate,
    string? FileName,
    int RowsTotal,
    int RowsDone,
    int Created,
    int Updated,
    int Duplicates,
    int Invalid,
    string? CreatedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? FinishedAt,
    IReadOnlyDictionary<string, string> Columns,
    IReadOnlyList<string> IgnoredColumns,
    Page<ImportRowResult> Results);

/// <summary>
/// CSV import of leads: the upload is read with CsvHelper while it arrives, stored in chunks (<see cref="IImportChunkGrain"/>),
/// and an <see cref="IImportJobGrain"/> creates the leads through their grains, as <c>POST /api/leads</c> does.
/// </summary>
public static class LeadImportEndpoints
{
    /// <summary>Rows per stored chunk: the unit of progress, and what a restart does again.</summary>
    public const int ChunkSize = 500;

    /// <summary>Room for the multipart envelope around the file.</summary>
    private const long MultipartOverhead = 64 * 1024;

    public static IEndpointRouteBuilder MapLeadImportEndpoints(this IEndpointRouteBuilder routes)
    {
        var leads = routes.MapGroup("/api/leads").WithTags("Leads").RequireAuthorization(Policies.Staff).ProducesAuthProblems();
        leads.MapPost("/import", ImportAsync).WithName("Leads_Import")
            .WithSummary("Import leads from a CSV file (text/csv body or multipart file; mapping, on_duplicate=skip|update|create_duplicate, dry_run) → 202 with the import to follow at /api/imports/{id}")
            .AcceptsCsvUpload()
            .Produces<ImportResponse>(StatusCodes.Status202Accepted)
            // Idempotency-Key buffers a body of up to 1 MiB to compare it, before this endpoint can raise the size
            // limit for a file: imports ignore the key (an upload repeated with on_duplicate=skip finds its leads).
            .WithMetadata(new IdempotencyExempt());

        var imports = routes.MapGroup("/api/imports").WithTags("Imports").RequireAuthorization(Policies.Staff).ProducesAuthProblems();
        imports.MapGet("/{id}", GetAsync).WithName("Imports_Get")
            .WithSummary("An import's progress (rows_done of rows_total, counts per outcome) and a page of its row results in row order (limit, offset)")
            .Produces<ImportResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return routes;
    }

    private static async Task<IResult> ImportAsync(
        HttpContext context, ClaimsPrincipal principal, IGrainFactory grains, CrmSettings settings, CancellationToken cancellationToken,
        string? mapping = null, [FromQuery(Name = "on_duplicate")] string? onDuplicate = null, [FromQuery(Name = "dry_run")] string? dryRun = null)
    {
        var reader = new QueryReader(new FieldProblems());
        var duplicates = reader.Enum<ImportOnDuplicate>("on_duplicate", onDuplicate) ?? ImportOnDuplicate.Skip;
        var dry = reader.Bool("dry_run", dryRun) ?? false;
        var mapped = ReadMapping(mapping, reader.Problems);
        if (reader.Problems.Any)
        {
            return Problems.Validation(reader.Problems);
        }

        var maxBytes = settings.ImportMaxMegabytes * 1024L * 1024L;
        var request = context.Request;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = maxBytes + MultipartOverhead; // the JSON limit applies everywhere else
        }

        if (request.ContentLength > maxBytes + MultipartOverhead)
        {
            return TooLarge(settings);
        }

        var upload = await OpenUploadAsync(request, cancellationToken);
        if (upload.Problem is not null)
        {
            return upload.Problem;
        }

        var importId = Guid.CreateVersion7().ToString();
        try
        {
            await using var body = new LimitedStream(upload.Stream!, maxBytes);
            var stored = await StoreRowsAsync(body, importId, mapped, grains, cancellationToken);
            if (stored.Problem is not null)
            {
                return stored.Problem;
            }

            var job = await grains.Reference<IImportJobGrain>(importId).StartAsync(new ImportSettings(
                duplicates, dry, stored.Fields!, upload.FileName, principal.ToActor(), stored.Rows, stored.Chunks, ChunkSize,
                stored.Headers!, stored.Ignored!));
            return TypedResults.Accepted($"/api/imports/{importId}", Response(job, new Page<ImportRowResult>([], 0, null)));
        }
        catch (LimitedStream.TooLargeException)
        {
            return TooLarge(settings);
        }
        catch (IOException ex) when (upload.Multipart && ex is not BadHttpRequestException)
        {
            // The file part ended without its closing boundary: the envelope is broken, not the server.
            return MalformedMultipart();
        }
    }

    private static async Task<IResult> GetAsync(
        string id, IGrainFactory grains, string? limit = null, string? offset = null)
    {
        var reader = new QueryReader(new FieldProblems());
        var pageLimit = reader.Limit(limit);
        var pageOffset = reader.Offset(offset);
        if (reader.Problems.Any)
        {
            return Problems.Validation(reader.Problems);
        }

        var grain = EntityIds.IsPlausible(id) ? grains.Reference<IImportJobGrain>(id) : null;
        if (grain is null || await grain.GetAsync() is not { } job)
        {
            return Problems.NotFound("No import has this id.");
        }

        var results = await grain.GetResultsAsync(pageOffset, pageLimit);
        return TypedResults.Ok(Response(job, results));
    }

    private static ImportResponse Response(ImportJobDto job, Page<ImportRowResult> results) => new(
        job.Id, job.Status, job.DryRun, job.OnDuplicate, job.FileName, job.RowsTotal, job.RowsDone, job.Created, job.Updated,
        job.Duplicates, job.Invalid, job.CreatedBy, job.CreatedAt, job.UpdatedAt, job.FinishedAt,
        job.Headers.Zip(job.Fields).ToDictionary(c => c.First, c => c.Second, StringComparer.Ordinal), job.IgnoredColumns, results);

    /// <summary>The <c>mapping</c> parameter: a JSON object from CSV header to lead field, or null for "header names are field names".</summary>
    private static Dictionary<string, string>? ReadMapping(string? raw, FieldProblems problems)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        Dictionary<string, string>? mapping = null;
        try
        {
            mapping = JsonSerializer.Deserialize<Dictionary<string, string>>(raw);
        }
        catch (JsonException)
        {
        }

        if (mapping is null || mapping.Count == 0)
        {
            problems.Add("mapping", "must be a JSON object from CSV column to lead field, such as {\"E-mail\": \"email\"}");
            return null;
        }

        foreach (var (column, field) in mapping)
        {
            if (!ImportNames.Fields.Contains(field, StringComparer.Ordinal))
            {
                problems.Add("mapping", $"'{field}' (for column '{column}') is not a lead field; fields: {string.Join(", ", ImportNames.Fields)}");
            }
        }

        if (mapping.Values.GroupBy(f => f, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            problems.Add("mapping", $"maps more than one column to '{twice.Key}'");
        }

        return mapping;
    }

    /// <summary>The CSV stream (or why there is none); <see cref="Multipart"/>: it is a file part of a form.</summary>
    private sealed record Upload(Stream? Stream, string? FileName, IResult? Problem, bool Multipart = false);

    /// <summary>The CSV: the body itself (text/csv), or the first file part of a multipart form (streamed, not buffered).</summary>
    private static async Task<Upload> OpenUploadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type))
        {
            return new Upload(null, null, Unsupported());
        }

        if (type.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase) ||
            type.MediaType.Equals("application/csv", StringComparison.OrdinalIgnoreCase))
        {
            return new Upload(request.Body, null, null);
        }

        if (!type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) ||
            HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            return new Upload(null, null, Unsupported());
        }

        var multipart = new MultipartReader(boundary, request.Body);
        try
        {
            while (await multipart.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
                {
                    var name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    return new Upload(section.Body, name is null ? null : Path.GetFileName(name), null, Multipart: true);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException && ex is not BadHttpRequestException)
        {
            // A part header over the reader's line limit is InvalidDataException; a cut envelope is IOException.
            return new Upload(null, null, MalformedMultipart());
        }

        return new Upload(null, null, Problems.Validation("file", "is required: send the CSV as a file part of the form"));
    }

    private sealed record Stored(
        IReadOnlyList<string>? Fields, IReadOnlyList<string>? Headers, IReadOnlyList<string>? Ignored, int Rows, int Chunks, IResult? Problem);

    /// <summary>Reads the CSV while it arrives and stores its rows, <see cref="ChunkSize"/> at a time, as the import's chunks.</summary>
    private static async Task<Stored> StoreRowsAsync(
        Stream body, string importId, Dictionary<string, string>? mapping, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            MaxRecordSize = 1024 * 1024,
        };
        // Decoded here, strictly: bytes that are not UTF-8 are refused (DecoderFallbackException below); the reader's own
        // UTF-8 path would store U+FFFD in the leads instead. A byte order mark still selects UTF-16 or UTF-32.
        using var text = new StreamReader(body, StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        await using var csv = CsvReader.Create(text, options, leaveOpen: true);
        try
        {
            await csv.ReadHeaderAsync(cancellationToken);
            var headers = csv.Headers.Select(h => h.Trim()).ToList();
            if (headers.Count == 0 || headers.All(h => h.Length == 0))
            {
                return Fail("file", "is empty: the first line must be a header naming the columns");
            }

            // Column index -> field: by the mapping, or by header names that are field names.
            var columns = new List<(int Index, string Header, string Field)>();
            for (var i = 0; i < headers.Count; i++)
            {
                var field = mapping is null
                    ? ImportNames.Fields.FirstOrDefault(f => string.Equals(f, headers[i], StringComparison.OrdinalIgnoreCase))
                    : mapping.TryGetValue(headers[i], out var target) ? target : null;
                if (field is not null && columns.All(c => c.Field != field))
                {
                    columns.Add((i, headers[i], field));
                }
            }

            if (mapping?.Keys.FirstOrDefault(k => !headers.Contains(k, StringComparer.Ordinal)) is { } missing)
            {
                return Fail("mapping", $"names the column '{missing}', which the file's header does not have");
            }

            if (columns.All(c => c.Field != "name"))
            {
                return Fail(mapping is null ? "file" : "mapping", "no column gives the lead's name (a header 'name', or a mapping to name)");
            }

            var rows = 0;
            var chunks = 0;
            var chunk = new List<ImportRow>(ChunkSize);
            while (await csv.ReadAsync(cancellationToken))
            {
                rows++;
                chunk.Add(new ImportRow
                {
                    Row = rows,
                    Values = [.. columns.Select(c => c.Index < csv.FieldCount ? csv.GetString(c.Index) : null)],
                    Problem = csv.FieldCount > headers.Count ? $"has {csv.FieldCount} cells, the header has {headers.Count}" : null,
                });
                if (chunk.Count == ChunkSize)
                {
                    await grains.Reference<IImportChunkGrain>(ImportNames.ChunkKey(importId, chunks++)).StoreAsync(chunk);
                    chunk = new List<ImportRow>(ChunkSize);
                }
            }

            if (chunk.Count > 0)
            {
                await grains.Reference<IImportChunkGrain>(ImportNames.ChunkKey(importId, chunks++)).StoreAsync(chunk);
            }

            if (rows == 0)
            {
                return Fail("file", "has a header but no rows");
            }

            return new Stored(
                [.. columns.Select(c => c.Field)],
                [.. columns.Select(c => c.Header)],
                [.. headers.Where((h, i) => columns.All(c => c.Index != i))],
                rows, chunks, null);
        }
        catch (CsvFormatException ex)
        {
            return Fail("file", $"is not valid CSV (RFC 4180) near record {ex.RecordNumber}: {ex.Message}");
        }
        catch (System.Text.DecoderFallbackException)
        {
            return Fail("file", "is not valid UTF-8 text");
        }

        static Stored Fail(string field, string message) => new(null, null, null, 0, 0, Problems.Validation(field, message));
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ProblemHttpResult TooLarge(CrmSettings settings) => TypedResults.Problem(
        $"The file is larger than {settings.ImportMaxMegabytes} MiB (IMPORT_MAX_MB); split it into smaller files.",
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large");

    private static ProblemHttpResult MalformedMultipart() => Problems.Validation("file", "the multipart body is malformed");

    private static ProblemHttpResult Unsupported() => TypedResults.Problem(
        "Send the CSV as the body with Content-Type: text/csv, or as a file in multipart/form-data.",
        statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    /// <summary>A read-only view of a stream that throws <see cref="TooLargeException"/> past a number of bytes.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public sealed class TooLargeException : IOException;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit ? throw new TooLargeException() : read;
        }
    }
}
