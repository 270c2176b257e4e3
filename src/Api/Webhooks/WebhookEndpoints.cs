using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Http;
using CrmChatbot.Api.OpenApi;
using CrmChatbot.Common;
using CrmChatbot.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmChatbot.Api.Webhooks;

/// <summary>Documents the body of <c>POST /api/webhooks</c>.</summary>
public sealed record CreateWebhookRequest(string Url, IReadOnlyList<string> Events, bool? Active = null);

/// <summary>Documents the body of <c>PUT /api/webhooks/{id}</c>: fields present change, others keep their value.</summary>
public sealed record UpdateWebhookRequest(string? Url = null, IReadOnlyList<string>? Events = null, bool? Active = null);

/// <summary>A subscription with its signing secret: the answer of a creation or a rotation, the only time the secret is shown.</summary>
public sealed record WebhookSecretResponse(
    string Id, string Url, IReadOnlyList<string> Events, bool Active, WebhookStatus Status, string? StatusReason,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? PreviousSecretExpiresAt, string Secret)
{
    public static WebhookSecretResponse From(WebhookWithSecret created)
    {
        var w = created.Webhook;
        return new(w.Id, w.Url, w.Events, w.Active, w.Status, w.StatusReason, w.CreatedAt, w.UpdatedAt, w.PreviousSecretExpiresAt, created.Secret);
    }
}

/// <summary>Webhook subscriptions, for admins. Settings live in the registry grain; deliveries in one grain per subscription.</summary>
public static class WebhookEndpoints
{
    private static readonly string[] ReadOnlyFields = ["id", "status", "status_reason", "created_at", "updated_at", "secret", "previous_secret_expires_at"];

    public static RouteGroupBuilder MapWebhookEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.Admin).ProducesAuthProblems();

        group.MapGet("/", ListAsync).WithName("Webhooks_List").WithSummary("List webhook subscriptions (never their secrets)");
        group.MapPost("/", CreateAsync).WithName("Webhooks_Create").AcceptsJson<CreateWebhookRequest>()
            .WithSummary("Subscribe a URL to event types (lead.created, ticket.*, *); the answer shows the signing secret, once")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{id}", GetAsync).WithName("Webhooks_Get").WithSummary("Get a webhook subscription, with its status and why")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}", UpdateAsync).WithName("Webhooks_Update").AcceptsJson<UpdateWebhookRequest>()
            .WithSummary("Change url, events or active (partial); an update of a failing subscription resumes its deliveries")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapDelete("/{id}", DeleteAsync).WithName("Webhooks_Delete").WithSummary("Delete a webhook subscription and its undelivered events")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/rotate-secret", RotateAsync).WithName("Webhooks_RotateSecret")
            .WithSummary("Issue a new signing secret (shown once); the previous one keeps signing too for WEBHOOK_SECRET_OVERLAP_HOURS")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/deliveries", DeliveriesAsync).WithName("Webhooks_Deliveries")
            .WithSummary("The subscription's last delivery attempts, newest first (attempt, status code, latency, error), and the events waiting")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{id}/test", TestAsync).WithName("Webhooks_Test")
            .WithSummary("Send a signed webhook.test ping now and answer with the attempt")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/deliveries/{deliveryId}/replay", ReplayAsync).WithName("Webhooks_Replay")
            .WithSummary("Queue the event of a logged delivery again (same event id)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static IWebhookRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IWebhookRegistryGrain>(0);

    private static async Task<Ok<IReadOnlyList<WebhookDto>>> ListAsync(IGrainFactory grains) =>
        TypedResults.Ok(await Registry(grains).ListAsync());

    private static async Task<Results<Created<WebhookSecretResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, HttpResponse response, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, reader =>
        {
            var url = reader.String("url");
            var events = reader.StringListField("events");
            var active = reader.BoolField("active");
            reader.RejectUnknownFields(ReadOnlyFields);
            if (!reader.Problems.Has("url") && url is null)
            {
                reader.Problems.Add("url", "is required");
            }

            if (!reader.Problems.Has("events") && !events.HasValue)
            {
                reader.Problems.Add("events", "is required (e.g. [\"lead.created\", \"ticket.*\"])");
            }

            return new NewWebhook(url ?? "", events.Value ?? [], !active.HasValue || active.Value);
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var result = await Registry(grains).CreateAsync(body.Value!);
        return result.IsSuccess
            ? TypedResults.Created($"/api/webhooks/{result.Value!.Webhook.Id}", WebhookSecretResponse.From(result.Value))
            : Problems.From(result.Error!, response);
    }

    private static async Task<Results<Ok<WebhookDto>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        (EntityIds.IsPlausible(id) ? await Registry(grains).GetAsync(id) : null) is { } webhook ? TypedResults.Ok(webhook) : NotFound(id);

    private static async Task<Results<Ok<WebhookDto>, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, HttpResponse response, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, reader =>
        {
            var patch = new WebhookPatch
            {
                Url = reader.StringField("url"),
                Events = reader.StringListField("events"),
                Active = reader.BoolField("active"),
            };
            reader.RejectUnknownFields(ReadOnlyFields);
            return patch;
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        var result = await Registry(grains).UpdateAsync(id, body.Value!);
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : Problems.From(result.Error!, response);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IGrainFactory grains) =>
        EntityIds.IsPlausible(id) && await Registry(grains).DeleteAsync(id) ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Results<Ok<WebhookSecretResponse>, ProblemHttpResult>> RotateAsync(
        string id, HttpResponse response, IGrainFactory grains)
    {
        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        var result = await Registry(grains).RotateSecretAsync(id);
        return result.IsSuccess ? TypedResults.Ok(WebhookSecretResponse.From(result.Value!)) : Problems.From(result.Error!, response);
    }

    private static async Task<Results<Ok<WebhookDeliveries>, ProblemHttpResult>> DeliveriesAsync(
        string id, IGrainFactory grains, string? limit = null)
    {
        var reader = new QueryReader(new FieldProblems());
        var pageSize = reader.Limit(limit);
        if (reader.Problems.Any)
        {
            return Problems.Validation(reader.Problems);
        }

        if (!await ExistsAsync(grains, id))
        {
            return NotFound(id);
        }

        return TypedResults.Ok(await grains.Reference<IWebhookSubscriptionGrain>(id).DeliveriesAsync(pageSize));
    }

    private static async Task<Results<Ok<WebhookDeliveryDto>, ProblemHttpResult>> TestAsync(string id, IGrainFactory grains) =>
        await ExistsAsync(grains, id) ? TypedResults.Ok(await grains.Reference<IWebhookSubscriptionGrain>(id).TestAsync()) : NotFound(id);

    private static async Task<Results<Accepted, ProblemHttpResult>> ReplayAsync(string id, string deliveryId, IGrainFactory grains)
    {
        if (!await ExistsAsync(grains, id))
        {
            return NotFound(id);
        }

        return EntityIds.IsPlausible(deliveryId) && await grains.Reference<IWebhookSubscriptionGrain>(id).ReplayAsync(deliveryId)
            ? TypedResults.Accepted($"/api/webhooks/{id}/deliveries")
            : Problems.NotFound($"Webhook '{id}' has no delivery '{deliveryId}' whose event is still kept (the last 50 events are).");
    }

    private static async Task<bool> ExistsAsync(IGrainFactory grains, string id) =>
        EntityIds.IsPlausible(id) && await Registry(grains).GetAsync(id) is not null;

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"Webhook '{id}' not found.");
}
