using CrmChatbot.Common;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Webhooks;

[GenerateSerializer, Alias("crm.webhook-record")]
public sealed class WebhookRecord
{
    [Id(0)] public string Url { get; set; } = "";
    [Id(1)] public List<string> Events { get; set; } = [];
    [Id(2)] public bool Active { get; set; } = true;
    [Id(3)] public WebhookStatus Status { get; set; }
    [Id(4)] public string? StatusReason { get; set; }

    /// <summary>The signing secret ("whsec_..."): kept by the service to sign, shown to admins once.</summary>
    [Id(5)] public string Secret { get; set; } = "";
    [Id(6)] public string? PreviousSecret { get; set; }
    [Id(7)] public DateTime? PreviousSecretExpiresAt { get; set; }
    [Id(8)] public DateTime CreatedAt { get; set; }
    [Id(9)] public DateTime UpdatedAt { get; set; }
}

[GenerateSerializer, Alias("crm.webhook-registry-state")]
public sealed class WebhookRegistryState
{
    [Id(0)] public Dictionary<string, WebhookRecord> Subscriptions { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The subscriptions of the deployment in one document (admins keep a handful; at most <see cref="MaxSubscriptions"/>):
/// every change is one write of it, and routing an event needs no query.
/// </summary>
public sealed class WebhookRegistryGrain(
    [PersistentState("webhooks", StorageNames.Crm)] IPersistentState<WebhookRegistryState> registry,
    IOptions<WebhookOptions> options,
    TimeProvider clock) : Grain, IWebhookRegistryGrain
{
    public const int MaxSubscriptions = 100;

    public const int MaxPatterns = 50;

    private Dictionary<string, WebhookRecord> All => registry.State.Subscriptions;

    public async Task<CommandResult<WebhookWithSecret>> CreateAsync(NewWebhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var errors = Check(webhook.Url, webhook.Events);
        if (errors.Count > 0)
        {
            return CommandError.Invalid(errors);
        }

        if (All.Count >= MaxSubscriptions)
        {
            return CommandError.Conflict($"There are {MaxSubscriptions} webhook subscriptions already; delete one first.");
        }

        var now = Timestamps.Now(clock);
        var id = Guid.CreateVersion7().ToString("N");
        var record = new WebhookRecord
        {
            Url = webhook.Url.Trim(),
            Events = Normalize(webhook.Events),
            Active = webhook.Active,
            Status = webhook.Active ? WebhookStatus.Active : WebhookStatus.Disabled,
            StatusReason = webhook.Active ? null : "switched off by an admin",
            Secret = WebhookRules.NewSecret(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        All[id] = record;
        await registry.WriteStateAsync();
        return CommandResult<WebhookWithSecret>.Ok(new WebhookWithSecret(ToDto(id, record), record.Secret));
    }

    public Task<IReadOnlyList<WebhookDto>> ListAsync() =>
        Task.FromResult<IReadOnlyList<WebhookDto>>([.. All.OrderBy(s => s.Value.CreatedAt).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => ToDto(s.Key, s.Value))]);

    public Task<WebhookDto?> GetAsync(string id) => Task.FromResult(All.TryGetValue(id, out var record) ? ToDto(id, record) : null);

    public async Task<CommandResult<WebhookDto>> UpdateAsync(string id, WebhookPatch patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (!All.TryGetValue(id, out var record))
        {
            return CommandError.NotFound($"Webhook '{id}' not found.");
        }

        var errors = Check(patch.Url.HasValue ? patch.Url.Value : record.Url, patch.Events.HasValue ? patch.Events.Value : record.Events);
        if (errors.Count > 0)
        {
            return CommandError.Invalid(errors);
        }

        if (patch.Url.HasValue)
        {
            record.Url = patch.Url.Value!.Trim();
        }

        if (patch.Events.HasValue)
        {
            record.Events = Normalize(patch.Events.Value!);
        }

        if (patch.Active.HasValue)
        {
            record.Active = patch.Active.Value;
        }

        // Any update is an admin's answer to a failing or disabled subscription: it delivers again if active.
        record.Status = record.Active ? WebhookStatus.Active : WebhookStatus.Disabled;
        record.StatusReason = record.Active ? null : "switched off by an admin";
        record.UpdatedAt = Timestamps.Now(clock);
        await registry.WriteStateAsync();
        if (record.Active)
        {
            await GrainFactory.Reference<IWebhookSubscriptionGrain>(id).KickAsync();
        }

        return CommandResult<WebhookDto>.Ok(ToDto(id, record));
    }

    public async Task<bool> DeleteAsync(string id)
    {
        if (!All.Remove(id))
        {
            return false;
        }

        await registry.WriteStateAsync();
        await GrainFactory.Reference<IWebhookSubscriptionGrain>(id).ResetAsync();
        return true;
    }

    public async Task<CommandResult<WebhookWithSecret>> RotateSecretAsync(string id)
    {
        if (!All.TryGetValue(id, out var record))
        {
            return CommandError.NotFound($"Webhook '{id}' not found.");
        }

        var now = Timestamps.Now(clock);
        record.PreviousSecret = record.Secret;
        record.PreviousSecretExpiresAt = now + options.Value.SecretOverlap;
        record.Secret = WebhookRules.NewSecret();
        record.UpdatedAt = now;
        await registry.WriteStateAsync();
        return CommandResult<WebhookWithSecret>.Ok(new WebhookWithSecret(ToDto(id, record), record.Secret));
    }

    public Task<IReadOnlyList<WebhookRoute>> RoutesAsync() =>
        Task.FromResult<IReadOnlyList<WebhookRoute>>([.. All.Where(s => s.Value.Status != WebhookStatus.Disabled).Select(s => new WebhookRoute(s.Key, s.Value.Events))]);

    public Task<WebhookTarget?> TargetAsync(string id)
    {
        if (!All.TryGetValue(id, out var record))
        {
            return Task.FromResult<WebhookTarget?>(null);
        }

        // While the overlap lasts both secrets sign: receivers switch to the new one at their own pace.
        List<string> secrets = record.PreviousSecret is { } previous && record.PreviousSecretExpiresAt > Timestamps.Now(clock)
            ? [record.Secret, previous]
            : [record.Secret];
        return Task.FromResult<WebhookTarget?>(new WebhookTarget(record.Url, secrets, record.Status == WebhookStatus.Active));
    }

    public Task MarkFailingAsync(string id, string reason) => SetStatusAsync(id, WebhookStatus.Failing, reason, active: true);

    public Task DisableAsync(string id, string reason) => SetStatusAsync(id, WebhookStatus.Disabled, reason, active: false);

    private async Task SetStatusAsync(string id, WebhookStatus status, string reason, bool active)
    {
        if (!All.TryGetValue(id, out var record) || record.Status == WebhookStatus.Disabled)
        {
            return;
        }

        record.Status = status;
        record.StatusReason = reason;
        record.Active = active;
        record.UpdatedAt = Timestamps.Now(clock);
        await registry.WriteStateAsync();
    }

    private Dictionary<string, string[]> Check(string? url, IReadOnlyList<string>? events)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (WebhookRules.CheckUrl(url, options.Value.AllowPrivateNetworks) is { } badUrl)
        {
            errors["url"] = [badUrl];
        }

        if (events is null || events.Count == 0)
        {
            errors["events"] = ["at least one event type or pattern is required (e.g. lead.created, ticket.*, *)"];
        }
        else if (events.Count > MaxPatterns)
        {
            errors["events"] = [$"at most {MaxPatterns} event patterns"];
        }
        else if (events.Select(e => WebhookRules.CheckPattern(e?.Trim())).OfType<string>().ToArray() is { Length: > 0 } badEvents)
        {
            errors["events"] = badEvents;
        }

        return errors;
    }

    private static List<string> Normalize(IEnumerable<string> events) => [.. events.Select(e => e.Trim()).Distinct(StringComparer.Ordinal)];

    private static WebhookDto ToDto(string id, WebhookRecord record) => new(
        id, record.Url, [.. record.Events], record.Active, record.Status, record.StatusReason, record.CreatedAt, record.UpdatedAt,
        record.PreviousSecretExpiresAt);
}
