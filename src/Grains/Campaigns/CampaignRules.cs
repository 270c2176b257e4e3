using CrmChatbot.Common;

namespace CrmChatbot.Campaigns;

/// <summary>Validation, the status workflow and metric arithmetic of campaigns.</summary>
public static class CampaignRules
{
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 10_000;
    public const int TargetAudienceMaxLength = 2_000;
    public const int MoneyDecimals = 2;

    /// <summary>Upper bound of any amount (budget, cost, revenue): far beyond real campaigns, far below overflow.</summary>
    public const decimal MaxMoney = 1_000_000_000_000m;

    /// <summary>Upper bound of one counter increment, so totals can never overflow.</summary>
    public const long MaxCountIncrement = 1_000_000_000;

    /// <summary>Upper bound of a counter set as a value (the original API's <c>metrics</c> object), far below overflow.</summary>
    public const long MaxCount = 1_000_000_000_000;

    /// <summary>
    /// The status workflow: draft -> scheduled|active, scheduled -> active|draft,
    /// active -> paused|completed, paused -> active|completed; completed is final.
    /// </summary>
    public static IReadOnlyDictionary<CampaignStatus, CampaignStatus[]> Transitions { get; } = new Dictionary<CampaignStatus, CampaignStatus[]>
    {
        [CampaignStatus.Draft] = [CampaignStatus.Scheduled, CampaignStatus.Active],
        [CampaignStatus.Scheduled] = [CampaignStatus.Active, CampaignStatus.Draft],
        [CampaignStatus.Active] = [CampaignStatus.Paused, CampaignStatus.Completed],
        [CampaignStatus.Paused] = [CampaignStatus.Active, CampaignStatus.Completed],
        [CampaignStatus.Completed] = [],
    };

    public static bool CanMove(CampaignStatus from, CampaignStatus to) => Transitions[from].Contains(to);

    /// <summary>Null when the move is allowed (or no move); otherwise a Conflict naming the allowed targets.</summary>
    public static CommandError? CheckTransition(CampaignStatus from, CampaignStatus to)
    {
        if (from == to || CanMove(from, to))
        {
            return null;
        }

        var allowed = Transitions[from];
        var names = allowed.Length == 0 ? "none (it is final)" : string.Join(", ", allowed.Select(Name));
        return CommandError.Conflict($"A {Name(from)} campaign cannot become {Name(to)}; allowed from {Name(from)}: {names}.");
    }

    /// <summary>A new campaign starts as draft or in a status draft may move to.</summary>
    public static CommandResult<CampaignState> Create(NewCampaign input, DateTime now)
    {
        var status = input.Status ?? CampaignStatus.Draft;
        var state = new CampaignState
        {
            Name = input.Name ?? "",
            Type = input.Type ?? CampaignType.Email,
            Status = status,
            Description = input.Description,
            TargetAudience = input.TargetAudience,
            Budget = input.Budget ?? 0,
            ActualCost = input.ActualCost ?? 0,
            StartDate = CampaignDates.ToStored(input.StartDate),
            EndDate = CampaignDates.ToStored(input.EndDate),
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (input.Metrics is { } metrics)
        {
            var set = SetMetrics(state.Metrics, metrics);
            if (!set.IsSuccess)
            {
                return set.Error!;
            }

            state.Metrics = set.Value!;
        }

        var normalized = Normalize(state);
        if (!normalized.IsSuccess)
        {
            return normalized;
        }

        return CheckTransition(CampaignStatus.Draft, status) is { } refused
            ? CommandError.Conflict(refused.Message.Replace("A draft campaign", "A new campaign", StringComparison.Ordinal))
            : normalized;
    }

    /// <summary>A copy of the state to change (states are replaced, never mutated in place).</summary>
    public static CampaignState Copy(CampaignState current) => new()
    {
        Name = current.Name,
        Type = current.Type,
        Status = current.Status,
        Description = current.Description,
        TargetAudience = current.TargetAudience,
        Budget = current.Budget,
        ActualCost = current.ActualCost,
        StartDate = current.StartDate,
        EndDate = current.EndDate,
        Metrics = current.Metrics.Copy(),
        CreatedAt = current.CreatedAt,
        UpdatedAt = current.UpdatedAt,
        CountedLeadIds = [.. current.CountedLeadIds],
    };

    /// <summary>Applies the present fields of a patch; a status change must be an allowed transition.</summary>
    public static CommandResult<CampaignState> Apply(CampaignState current, CampaignPatch patch, DateTime now)
    {
        var next = Copy(current);
        next.Name = patch.Name.HasValue ? patch.Name.Value ?? "" : current.Name;
        next.Type = patch.Type.HasValue ? patch.Type.Value : current.Type;
        next.Status = patch.Status.HasValue ? patch.Status.Value : current.Status;
        next.Description = patch.Description.Or(current.Description);
        next.TargetAudience = patch.TargetAudience.Or(current.TargetAudience);
        next.Budget = patch.Budget.HasValue ? patch.Budget.Value : current.Budget;
        next.ActualCost = patch.ActualCost.HasValue ? patch.ActualCost.Value : current.ActualCost;
        next.StartDate = patch.StartDate.HasValue ? CampaignDates.ToStored(patch.StartDate.Value) : current.StartDate;
        next.EndDate = patch.EndDate.HasValue ? CampaignDates.ToStored(patch.EndDate.Value) : current.EndDate;
        next.UpdatedAt = now;
        if (patch.Metrics is { HasValue: true, Value: { } values })
        {
            var set = SetMetrics(current.Metrics, values);
            if (!set.IsSuccess)
            {
                return set.Error!;
            }

            next.Metrics = set.Value!;
        }

        var normalized = Normalize(next);
        if (!normalized.IsSuccess)
        {
            return normalized;
        }

        return CheckTransition(current.Status, next.Status) is { } refused ? refused : normalized;
    }

    /// <summary>
    /// The counters after adding <paramref name="increments"/>, and the from -> to change of each
    /// counter that moved; field errors for negative, oversized or over-precise amounts.
    /// </summary>
    public static CommandResult<(CampaignMetricsState Metrics, List<FieldChange> Changes)> AddMetrics(
        CampaignMetricsState current, MetricIncrements increments)
    {
        var errors = new FieldErrors();
        var counts = new (string Name, long Amount, Func<CampaignMetricsState, long> Get, Action<CampaignMetricsState, long> Set)[]
        {
            ("sent", increments.Sent, m => m.Sent, (m, v) => m.Sent = v),
            ("delivered", increments.Delivered, m => m.Delivered, (m, v) => m.Delivered = v),
            ("opened", increments.Opened, m => m.Opened, (m, v) => m.Opened = v),
            ("clicked", increments.Clicked, m => m.Clicked, (m, v) => m.Clicked = v),
            ("converted", increments.Converted, m => m.Converted, (m, v) => m.Converted = v),
            ("unsubscribed", increments.Unsubscribed, m => m.Unsubscribed, (m, v) => m.Unsubscribed = v),
            ("bounced", increments.Bounced, m => m.Bounced, (m, v) => m.Bounced = v),
        };
        foreach (var (name, amount, _, _) in counts)
        {
            if (amount < 0)
            {
                errors.Add(name, "must be >= 0 (increments only; negative corrections are not supported)");
            }
            else if (amount > MaxCountIncrement)
            {
                errors.Add(name, $"must be at most {MaxCountIncrement} per call");
            }
        }

        CheckMoney(errors, CampaignMetricNames.Revenue, increments.Revenue);
        if (errors.Any)
        {
            return errors.ToError();
        }

        var next = current.Copy();
        var changes = new List<FieldChange>();
        foreach (var (name, amount, get, set) in counts)
        {
            if (amount != 0)
            {
                set(next, get(current) + amount);
                changes.Add(Change(name, get(current), get(next)));
            }
        }

        if (increments.Revenue != 0)
        {
            next.Revenue = current.Revenue + increments.Revenue;
            changes.Add(Change(CampaignMetricNames.Revenue, current.Revenue, next.Revenue));
        }

        return CommandResult<(CampaignMetricsState, List<FieldChange>)>.Ok((next, changes));
    }

    /// <summary>
    /// The counters set to <paramref name="values"/> (the original API's <c>metrics</c> object on create or update):
    /// each hand-kept counter and revenue takes the given value; <c>leads_created</c> keeps its count from leads.
    /// Errors name <c>metrics.&lt;name&gt;</c>.
    /// </summary>
    public static CommandResult<CampaignMetricsState> SetMetrics(CampaignMetricsState current, MetricIncrements values)
    {
        var errors = new FieldErrors();
        foreach (var (name, value) in new[]
                 {
                     ("sent", values.Sent), ("delivered", values.Delivered), ("opened", values.Opened), ("clicked", values.Clicked),
                     ("converted", values.Converted), ("unsubscribed", values.Unsubscribed), ("bounced", values.Bounced),
                 })
        {
            if (value < 0 || value > MaxCount)
            {
                errors.Add($"metrics.{name}", $"must be from 0 to {MaxCount}");
            }
        }

        CheckMoney(errors, $"metrics.{CampaignMetricNames.Revenue}", values.Revenue);
        if (errors.Any)
        {
            return errors.ToError();
        }

        return CommandResult<CampaignMetricsState>.Ok(new CampaignMetricsState
        {
            Sent = values.Sent,
            Delivered = values.Delivered,
            Opened = values.Opened,
            Clicked = values.Clicked,
            Converted = values.Converted,
            Unsubscribed = values.Unsubscribed,
            Bounced = values.Bounced,
            Revenue = values.Revenue,
            LeadsCreated = current.LeadsCreated,
        });
    }

    /// <summary>A timeline change of one counter, named <c>metrics.&lt;name&gt;</c>, with JSON numbers.</summary>
    public static FieldChange Change(string metric, decimal from, decimal to) =>
        new($"metrics.{metric}", Json(from), Json(to));

    private static string Json(decimal value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static CommandResult<CampaignState> Normalize(CampaignState state)
    {
        var errors = new FieldErrors();
        state.Name = errors.Required("name", state.Name, NameMaxLength);
        state.Description = errors.Optional("description", state.Description, DescriptionMaxLength, multiLine: true);
        state.TargetAudience = errors.Optional("target_audience", state.TargetAudience, TargetAudienceMaxLength, multiLine: true);
        CheckMoney(errors, "budget", state.Budget);
        CheckMoney(errors, "actual_cost", state.ActualCost);
        if (state.StartDate is { } start && state.EndDate is { } end && end < start)
        {
            errors.Add("end_date", "must be on or after start_date");
        }

        if (!Enum.IsDefined(state.Type))
        {
            errors.Add("type", "is not a known campaign type");
        }

        if (!Enum.IsDefined(state.Status))
        {
            errors.Add("status", "is not a known campaign status");
        }

        return errors.Any ? errors.ToError() : CommandResult<CampaignState>.Ok(state);
    }

    /// <summary>Money: >= 0, at most <see cref="MoneyDecimals"/> decimals, at most <see cref="MaxMoney"/>.</summary>
    public static void CheckMoney(FieldErrors errors, string field, decimal value)
    {
        if (value < 0)
        {
            errors.Add(field, "must be >= 0");
        }
        else if (value > MaxMoney)
        {
            errors.Add(field, $"must be at most {MaxMoney}");
        }
        else if (decimal.Round(value, MoneyDecimals) != value)
        {
            errors.Add(field, $"must have at most {MoneyDecimals} decimals");
        }
    }

    private static string Name(CampaignStatus status) => status.ToString().ToLowerInvariant();
}
