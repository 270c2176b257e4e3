using System.Text.Json;
using CrmChatbot.Common;
using CrmChatbot.Leads;

namespace CrmChatbot.Imports;

/// <summary>A row read as a lead: the fields of a new lead, the same non-empty cells as a patch, or the field errors.</summary>
public sealed record ImportedLead(NewLead Lead, LeadPatch Patch, string? EmailKey, string? PhoneKey);

/// <summary>
/// Turns a row's cells into lead fields. Cells are text; status and source take their API names (<c>qualified</c>,
/// <c>campaign</c>); an empty cell means "no value" (a new lead gets the default, an update keeps what the lead has).
/// The field rules themselves are <see cref="LeadRules"/>', as for <c>POST /api/leads</c>.
/// </summary>
public static class ImportRowReader
{
    /// <summary>Characters after which an export put a <c>'</c> so spreadsheets do not run the cell as a formula (OWASP).</summary>
    private const string FormulaStarts = "=+-@\t\r";

    public static (ImportedLead? Lead, Dictionary<string, string[]>? Errors) Read(IReadOnlyList<string> fields, ImportRow row)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(row);
        if (row.Problem is not null)
        {
            return (null, new Dictionary<string, string[]>(StringComparer.Ordinal) { ["row"] = [row.Problem] });
        }

        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count && i < row.Values.Count; i++)
        {
            if (Cell(row.Values[i]) is { } value)
            {
                cells[fields[i]] = value;
            }
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var status = EnumCell<LeadStatus>(cells, "status", errors);
        var source = EnumCell<LeadSource>(cells, "source", errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        string? Get(string field) => cells.TryGetValue(field, out var value) ? value : null;
        Optional<string> Present(string field) => cells.TryGetValue(field, out var value) ? Optional<string>.Of(value) : default;
        var lead = new NewLead(
            Get("name"), Get("email"), Get("phone"), Get("company"), status, source, Get("notes"), Get("owner_id"),
            Get("campaign_id"), Get("lost_reason"));
        var patch = new LeadPatch
        {
            Name = Present("name"),
            Email = Present("email"),
            Phone = Present("phone"),
            Company = Present("company"),
            Status = status is { } s ? Optional<LeadStatus>.Of(s) : default,
            Source = source is { } o ? Optional<LeadSource>.Of(o) : default,
            Notes = Present("notes"),
            OwnerId = Present("owner_id"),
            LostReason = Present("lost_reason"),
        };
        return (new ImportedLead(lead, patch, ContactKeys.Email(lead.Email), ContactKeys.Phone(lead.Phone)), null);
    }

    /// <summary>
    /// A cell's value: null when empty; a leading <c>'</c> before a formula character is the export's protection
    /// and is removed, so an exported file imports back to the same values.
    /// </summary>
    public static string? Cell(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        var value = raw.Length >= 2 && raw[0] == '\'' && FormulaStarts.Contains(raw[1], StringComparison.Ordinal) ? raw[1..] : raw;
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    private static T? EnumCell<T>(Dictionary<string, string> cells, string field, Dictionary<string, string[]> errors)
        where T : struct, Enum
    {
        if (!cells.TryGetValue(field, out var raw))
        {
            return null;
        }

        var wanted = raw.Trim();
        foreach (var value in Enum.GetValues<T>())
        {
            if (string.Equals(ApiName(value), wanted, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        errors[field] = [$"must be one of: {string.Join(", ", Enum.GetValues<T>().Select(v => ApiName(v)))}"];
        return null;
    }

    private static string ApiName<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
