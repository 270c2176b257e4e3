using System.Globalization;
using System.Text.Json;
using CrmChatbot.Api.Http;
using CrmChatbot.Campaigns;
using CrmChatbot.Common;
using Microsoft.AspNetCore.Http;

namespace CrmChatbot.Api.Campaigns;

/// <summary>
/// Strict reading of the campaign fields <see cref="JsonObjectReader"/> has no reader for: money
/// (JSON numbers), dates (<c>"yyyy-MM-dd"</c> strings) and metric increments. Field names are
/// registered with the reader, so its unknown-field check still covers the whole body.
/// </summary>
public sealed class CampaignBody(JsonElement root, JsonObjectReader reader)
{
    public const string DateFormat = "yyyy-MM-dd";

    public JsonObjectReader Reader => reader;

    /// <summary>Reads the body into a command with <paramref name="read"/>; any problem becomes a 4xx before a grain is called.</summary>
    public static async Task<JsonBody.Outcome<T>> ReadAsync<T>(HttpRequest request, Func<CampaignBody, T> read, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Problem is not null)
        {
            return new JsonBody.Outcome<T>(default, body.Problem);
        }

        using var document = body.Document!;
        var fields = new CampaignBody(document.RootElement, new JsonObjectReader(document.RootElement, new FieldProblems()));
        var value = read(fields);
        return fields.Reader.Problems.Any
            ? new JsonBody.Outcome<T>(default, Problems.Validation(fields.Reader.Problems))
            : new JsonBody.Outcome<T>(value, null);
    }

    /// <summary>An amount: a JSON number (null is refused: amounts default to 0, they are never absent).</summary>
    public Optional<decimal> Money(string field)
    {
        if (!TryGet(field, out var value))
        {
            return Optional<decimal>.Absent;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var amount))
        {
            return Optional<decimal>.Of(amount);
        }

        reader.Problems.Add(field, value.ValueKind == JsonValueKind.Number
            ? "is out of range"
            : "must be a number >= 0 with at most 2 decimals");
        return Optional<decimal>.Absent;
    }

    /// <summary>A calendar date as <c>"yyyy-MM-dd"</c>; null clears it.</summary>
    public Optional<DateOnly?> Date(string field)
    {
        if (!TryGet(field, out var value))
        {
            return Optional<DateOnly?>.Absent;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return Optional<DateOnly?>.Of(null);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            reader.Problems.Add(field, $"must be a date as \"{DateFormat}\", or null");
            return Optional<DateOnly?>.Absent;
        }

        if (DateProblem(value.GetString(), out var date) is { } problem)
        {
            reader.Problems.Add(field, problem);
            return Optional<DateOnly?>.Absent;
        }

        return Optional<DateOnly?>.Of(date);
    }

    /// <summary>Null when <paramref name="text"/> is a <c>yyyy-MM-dd</c> date in <see cref="DateRules"/>' range, else the problem.</summary>
    public static string? DateProblem(string? text, out DateOnly date)
    {
        if (!DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return $"must be a date as \"{DateFormat}\"";
        }

        return DateRules.InRange(date) ? null : DateRules.OutOfRange;
    }

    /// <summary>
    /// A metric increment body: each counter an integer, revenue a number. leads_created and
    /// unknown names are refused by name; signs and precision are the grain's rules.
    /// </summary>
    public MetricIncrements Increments()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var revenue = 0m;
        foreach (var property in root.EnumerateObject())
        {
            var name = property.Name;
            reader.Has(name); // reported here, not as an unknown field
            if (TryReadMetric(property, name, counts, ref revenue))
            {
                continue;
            }

            reader.Problems.Add(name, name == CampaignMetricNames.LeadsCreated
                ? "is counted from leads created with this campaign_id and cannot be incremented"
                : UnknownMetric);
        }

        if (!root.EnumerateObject().Any())
        {
            reader.Problems.Add("metrics", "at least one metric increment is required");
        }

        return Metrics(counts, revenue);
    }

    /// <summary>
    /// The original API's <c>metrics</c> object on create or update: counter values (whole numbers) and revenue (a
    /// number), which the grain's rules check and set. What a read returns beside them (leads_created, counted from
    /// leads, and the computed rates) is accepted and ignored, so a campaign read can be sent back as it is; any other
    /// name is 422 naming <c>metrics.&lt;name&gt;</c>. Null or absent: no change.
    /// </summary>
    public Optional<MetricIncrements> MetricValues(string field)
    {
        if (!TryGet(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return Optional<MetricIncrements>.Absent;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            reader.Problems.Add(field, "must be an object of metric values, e.g. {\"sent\": 100, \"opened\": 40}");
            return Optional<MetricIncrements>.Absent;
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var revenue = 0m;
        foreach (var property in value.EnumerateObject())
        {
            if (!TryReadMetric(property, $"{field}.{property.Name}", counts, ref revenue) && !CampaignMetricNames.Computed.Contains(property.Name))
            {
                reader.Problems.Add($"{field}.{property.Name}", UnknownMetric);
            }
        }

        return Optional<MetricIncrements>.Of(Metrics(counts, revenue));
    }

    private static string UnknownMetric => $"is not a known metric; known: {string.Join(", ", CampaignMetricNames.Counts)}, {CampaignMetricNames.Revenue}";

    /// <summary>
    /// Reads a counter (a whole number) or revenue (a number) into <paramref name="counts"/> or <paramref name="revenue"/>,
    /// reporting a wrong type as <paramref name="problemName"/>; false when the name is neither.
    /// </summary>
    private bool TryReadMetric(JsonProperty property, string problemName, Dictionary<string, long> counts, ref decimal revenue)
    {
        if (property.Name == CampaignMetricNames.Revenue)
        {
            if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDecimal(out var amount))
            {
                revenue = amount;
            }
            else
            {
                reader.Problems.Add(problemName, property.Value.ValueKind == JsonValueKind.Number
                    ? "is out of range"
                    : "must be a number >= 0 with at most 2 decimals");
            }

            return true;
        }

        if (!CampaignMetricNames.Counts.Contains(property.Name))
        {
            return false;
        }

        if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out var count))
        {
            counts[property.Name] = count;
        }
        else
        {
            reader.Problems.Add(problemName, "must be a whole number");
        }

        return true;
    }

    private static MetricIncrements Metrics(Dictionary<string, long> counts, decimal revenue) => new()
    {
        Sent = counts.GetValueOrDefault("sent"),
        Delivered = counts.GetValueOrDefault("delivered"),
        Opened = counts.GetValueOrDefault("opened"),
        Clicked = counts.GetValueOrDefault("clicked"),
        Converted = counts.GetValueOrDefault("converted"),
        Unsubscribed = counts.GetValueOrDefault("unsubscribed"),
        Bounced = counts.GetValueOrDefault("bounced"),
        Revenue = revenue,
    };

    private bool TryGet(string field, out JsonElement value)
    {
        reader.Has(field);
        return root.TryGetProperty(field, out value);
    }
}
