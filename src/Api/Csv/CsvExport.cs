using System.Globalization;
using CrmChatbot.Api.Http;
using CrmChatbot.Campaigns;
using CrmChatbot.Leads;
using CrmChatbot.Meetings;
using CrmChatbot.Tickets;
using CsvHelper;
using Microsoft.AspNetCore.Http;

namespace CrmChatbot.Api.Csv;

/// <summary>One column of an export: its header and how a record fills it.</summary>
public sealed record CsvColumn<T>(string Name, Func<T, string?> Value);

/// <summary>
/// Streams a list as CSV: RFC 4180 (comma, CRLF, quotes where needed), UTF-8 with a byte order mark (so spreadsheets
/// read it as UTF-8), and text cells that start with <c>= + - @</c>, tab or CR prefixed with <c>'</c> (OWASP's advice
/// against CSV injection; the import removes that prefix again). Records come from a keyset walk of the store, a
/// page at a time, and are written as they come: memory does not grow with the list.
/// </summary>
public static class CsvExport
{
    /// <summary>Records read from the store at a time.</summary>
    public const int PageSize = 500;

    public static readonly CsvWriterOptions Options = new()
    {
        Injection = CsvInjection.Escape,
        WriteByteOrderMark = true,
    };

    /// <summary>A result that writes the header and then every record of <paramref name="records"/>.</summary>
    public static IResult Csv<T>(this IResultExtensions _, string fileStem, IReadOnlyList<CsvColumn<T>> columns, IAsyncEnumerable<T> records) =>
        new CsvResult<T>(fileStem, columns, records);

    private sealed class CsvResult<T>(string fileStem, IReadOnlyList<CsvColumn<T>> columns, IAsyncEnumerable<T> records) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var cancellationToken = httpContext.RequestAborted;
            response.ContentType = "text/csv; charset=utf-8";
            response.Headers.ContentDisposition =
                $"attachment; filename=\"{fileStem}-{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.csv\"";
            response.Headers.CacheControl = "no-store";

            await using var writer = CsvWriter.Create(response.Body, Options, leaveOpen: true);
            await writer.WriteRecordAsync([.. columns.Select(c => c.Name)], cancellationToken);
            var values = new string?[columns.Count];
            await foreach (var record in records.WithCancellation(cancellationToken))
            {
                for (var i = 0; i < columns.Count; i++)
                {
                    values[i] = columns[i].Value(record);
                }

                await writer.WriteRecordAsync(values, cancellationToken);
            }

            await writer.FlushAsync(cancellationToken);
        }
    }

    public static string? Date(DateTime? value) =>
        value?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Day(DateOnly? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string? Bool(bool? value) => value switch { true => "true", false => "false", null => null };

    public static string Name<T>(T value)
        where T : struct, Enum => SnakeCaseEnum.Name(value);

    // The columns of each export, in order; documented in the README (CSV import and export).
    public static IReadOnlyList<CsvColumn<LeadDto>> LeadColumns { get; } =
    [
        new("id", l => l.Id),
        new("name", l => l.Name),
        new("email", l => l.Email),
        new("phone", l => l.Phone),
        new("company", l => l.Company),
        new("status", l => Name(l.Status)),
        new("source", l => Name(l.Source)),
        new("score", l => Number(l.Score)),
        new("owner_id", l => l.OwnerId),
        new("campaign_id", l => l.CampaignId),
        new("notes", l => l.Notes),
        new("lost_reason", l => l.LostReason),
        new("converted_at", l => Date(l.ConvertedAt)),
        new("converted_by", l => l.ConvertedBy),
        new("created_at", l => Date(l.CreatedAt)),
        new("updated_at", l => Date(l.UpdatedAt)),
        new("version", l => Number(l.Version)),
    ];

    /// <summary>A client's rows have the staff-only cells (assignee, tags, SLA) empty, as their list has those fields null.</summary>
    public static IReadOnlyList<CsvColumn<TicketDto>> TicketColumns { get; } =
    [
        new("id", t => t.Id),
        new("number", t => t.Number),
        new("subject", t => t.Subject),
        new("description", t => t.Description),
        new("status", t => Name(t.Status)),
        new("priority", t => Name(t.Priority)),
        new("requester_id", t => t.RequesterId),
        new("assignee_id", t => t.AssigneeId),
        new("tags", t => t.Tags is null ? null : string.Join(' ', t.Tags)),
        new("sla_breached", t => Bool(t.SlaBreached)),
        new("first_response_due", t => Date(t.Sla?.FirstResponseDue)),
        new("resolution_due", t => Date(t.Sla?.ResolutionDue)),
        new("first_response_at", t => Date(t.FirstResponseAt)),
        new("resolved_at", t => Date(t.ResolvedAt)),
        new("closed_at", t => Date(t.ClosedAt)),
        new("created_at", t => Date(t.CreatedAt)),
        new("updated_at", t => Date(t.UpdatedAt)),
        new("version", t => Number(t.Version)),
    ];

    /// <summary>Participants as <c>name &lt;email&gt; (response)</c> separated by <c>; </c>; a client sees the organizer and themselves only.</summary>
    public static IReadOnlyList<CsvColumn<MeetingDto>> MeetingColumns { get; } =
    [
        new("id", m => m.Id),
        new("title", m => m.Title),
        new("date", m => Date(m.Date)),
        new("end", m => Date(m.End)),
        new("duration_minutes", m => Number(m.DurationMinutes)),
        new("time_zone", m => m.TimeZone),
        new("status", m => Name(m.Status)),
        new("location", m => m.Location),
        new("meeting_url", m => m.MeetingUrl),
        new("organizer_id", m => m.OrganizerId),
        new("participants", m => string.Join("; ", m.Participants.Select(Participant))),
        new("lead_id", m => m.LeadId),
        new("ticket_id", m => m.TicketId),
        new("notes", m => m.Notes),
        new("created_at", m => Date(m.CreatedAt)),
        new("updated_at", m => Date(m.UpdatedAt)),
        new("version", m => Number(m.Version)),
    ];

    public static IReadOnlyList<CsvColumn<CampaignDto>> CampaignColumns { get; } =
    [
        new("id", c => c.Id),
        new("name", c => c.Name),
        new("type", c => Name(c.Type)),
        new("status", c => Name(c.Status)),
        new("start_date", c => Day(c.StartDate)),
        new("end_date", c => Day(c.EndDate)),
        new("budget", c => Number(c.Budget)),
        new("actual_cost", c => Number(c.ActualCost)),
        new("target_audience", c => c.TargetAudience),
        new("description", c => c.Description),
        new("sent", c => Number(c.Metrics.Sent)),
        new("delivered", c => Number(c.Metrics.Delivered)),
        new("opened", c => Number(c.Metrics.Opened)),
        new("clicked", c => Number(c.Metrics.Clicked)),
        new("converted", c => Number(c.Metrics.Converted)),
        new("unsubscribed", c => Number(c.Metrics.Unsubscribed)),
        new("bounced", c => Number(c.Metrics.Bounced)),
        new("leads_created", c => Number(c.Metrics.LeadsCreated)),
        new("revenue", c => Number(c.Metrics.Revenue)),
        new("created_at", c => Date(c.CreatedAt)),
        new("updated_at", c => Date(c.UpdatedAt)),
        new("version", c => Number(c.Version)),
    ];

    private static string Participant(ParticipantDto p)
    {
        var who = p.Name ?? p.UserId ?? p.LeadId ?? p.Email ?? "";
        var email = p.Email is not null && p.Email != who ? $" <{p.Email}>" : "";
        return $"{who}{email} ({Name(p.Response)})";
    }
}
