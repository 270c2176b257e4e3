using System.Security.Claims;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Csv;
using CrmChatbot.Api.Http;
using CrmChatbot.Api.OpenApi;
using CrmChatbot.Api.Timeline;
using CrmChatbot.Campaigns;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CrmChatbot.Api.Campaigns;

/// <summary>
/// Documents the body of <c>POST /api/campaigns</c>. Dates are "yyyy-MM-dd"; amounts are JSON numbers. <c>metrics</c>
/// (the original API's field) sets the initial counter values.
/// </summary>
public sealed record CreateCampaignRequest(
    string Name, CampaignType? Type = null, CampaignStatus? Status = null, string? Description = null, string? TargetAudience = null,
    decimal? Budget = null, decimal? ActualCost = null, string? StartDate = null, string? EndDate = null, CampaignMetricValues? Metrics = null);

/// <summary>
/// Documents the body of <c>PUT /api/campaigns/{id}</c>: fields present change, others keep their value. <c>metrics</c>
/// replaces the hand-kept counters and revenue (absent ones become 0; leads_created stays counted from leads).
/// </summary>
public sealed record UpdateCampaignRequest(
    string? Name = null, CampaignType? Type = null, CampaignStatus? Status = null, string? Description = null, string? TargetAudience = null,
    decimal? Budget = null, decimal? ActualCost = null, string? StartDate = null, string? EndDate = null, CampaignMetricValues? Metrics = null);

/// <summary>
/// Documents the <c>metrics</c> object of a campaign create or update (the original API's field): counter values and revenue.
/// leads_created and the computed rates, as a read returns them, are accepted and ignored.
/// </summary>
public sealed record CampaignMetricValues(
    long? Sent = null, long? Delivered = null, long? Opened = null, long? Clicked = null, long? Converted = null,
    long? Unsubscribed = null, long? Bounced = null, decimal? Revenue = null);

/// <summary>Documents the body of <c>POST /api/campaigns/{id}/status</c>.</summary>
public sealed record ChangeCampaignStatusRequest(CampaignStatus Status, string? Note = null);

/// <summary>Documents the body of <c>POST /api/campaigns/{id}/metrics</c>: amounts to add, each >= 0.</summary>
public sealed record AddCampaignMetricsRequest(
    long? Sent = null, long? Delivered = null, long? Opened = null, long? Clicked = null, long? Converted = null,
    long? Unsubscribed = null, long? Bounced = null, decimal? Revenue = null);

/// <summary>Campaigns: staff read them, admins manage them. Writes go through the campaign's grain.</summary>
public static class CampaignEndpoints
{
    private const int NoteMaxLength = 2_000;

    private static readonly string[] ReadOnlyFields = ["id", "created_at", "updated_at", "version"];

    public static RouteGroupBuilder MapCampaignEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/campaigns").WithTags("Campaigns").RequireAuthorization(Policies.Staff).ProducesAuthProblems()
            .AddEndpointFilter<ETagFilter>();

        group.MapGet("/", ListAsync).WithName("Campaigns_List")
            .WithSummary("List campaigns: filter by status, type, active_on (yyyy-MM-dd: start_date <= d <= end_date, a missing date is open-ended), " +
                         "q (name, description, target_audience); sort=-created_at|created_at|name|start_date|budget; limit and offset")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/export", ExportAsync).WithName("Campaigns_Export")
            .WithSummary("Every campaign the list with the same filters and sort returns, as CSV (columns in the README)")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/", CreateAsync).WithName("Campaigns_Create").AcceptsJson<CreateCampaignRequest>().RequireAuthorization(Policies.Admin)
            .WithSummary("Create a campaign (admin). Status draft (default), scheduled or active")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}", GetAsync).WithName("Campaigns_Get").WithSummary("Get a campaign with its metrics and computed rates")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}", UpdateAsync).WithName("Campaigns_Update").AcceptsJson<UpdateCampaignRequest>().RequireAuthorization(Policies.Admin)
            .WithSummary("Update a campaign (admin; partial; a status must be an allowed transition, else 409; If-Match supported)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPatch("/{id}", UpdateAsync).WithName("Campaigns_Patch").AcceptsJson<UpdateCampaignRequest>().RequireAuthorization(Policies.Admin)
            .WithSummary("Same as PUT")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/{id}", DeleteAsync).WithName("Campaigns_Delete").RequireAuthorization(Policies.Admin)
            .WithSummary("Delete a campaign (admin; If-Match supported)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id}/status", ChangeStatusAsync).WithName("Campaigns_ChangeStatus").AcceptsJson<ChangeCampaignStatusRequest>().RequireAuthorization(Policies.Admin)
            .WithSummary("Change the status (admin): draft -> scheduled|active, scheduled -> active|draft, active -> paused|completed, " +
                         "paused -> active|completed; completed is final. Other moves are 409 naming the allowed ones. If-Match supported")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id}/metrics", AddMetricsAsync).WithName("Campaigns_AddMetrics").AcceptsJson<AddCampaignMetricsRequest>().RequireAuthorization(Policies.Admin)
            .WithSummary("Add metric increments atomically (admin): counters are whole numbers >= 0, revenue a number >= 0 with at most 2 decimals; " +
                         "leads_created is counted from leads and cannot be incremented")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/leads", LeadsAsync).WithName("Campaigns_ListLeads")
            .WithSummary("Leads created with this campaign_id: filter by status, q; sort and paging as GET /api/leads")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/timeline", TimelineAsync).WithName("Campaigns_Timeline").WithSummary("The campaign's history, newest first")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<Page<CampaignDto>>, ProblemHttpResult>> ListAsync(
        ICampaignQueries queries, CancellationToken cancellationToken,
        string? status = null, string? type = null, [FromQuery(Name = "active_on")] string? activeOn = null,
        string? q = null, string? sort = null, string? limit = null, string? offset = null)
    {
        var (query, problem) = ReadListQuery(status, type, activeOn, q, sort, limit, offset);
        return problem is not null ? problem : TypedResults.Ok(await queries.ListAsync(query!, cancellationToken));
    }

    /// <summary>Every campaign the list with the same parameters would page through, as CSV.</summary>
    private static IResult ExportAsync(
        ICampaignQueries queries, CancellationToken cancellationToken,
        string? status = null, string? type = null, [FromQuery(Name = "active_on")] string? activeOn = null,
        string? q = null, string? sort = null)
    {
        var (query, problem) = ReadListQuery(status, type, activeOn, q, sort, null, null);
        return problem is not null
            ? problem
            : TypedResults.Extensions.Csv("campaigns", CsvExport.CampaignColumns, queries.WalkAsync(query!, CsvExport.PageSize, cancellationToken));
    }

    /// <summary>The list's query parameters (shared by the list and its export), or a 422 naming the bad ones.</summary>
    private static (CampaignListQuery? Query, ProblemHttpResult? Problem) ReadListQuery(
        string? status, string? type, string? activeOn, string? q, string? sort, string? limit, string? offset)
    {
        var reader = new QueryReader(new FieldProblems());
        DateOnly? day = null;
        if (!string.IsNullOrEmpty(activeOn))
        {
            if (CampaignBody.DateProblem(activeOn, out var parsed) is { } problem)
            {
                reader.Problems.Add("active_on", problem);
            }
            else
            {
                day = parsed;
            }
        }

        var query = new CampaignListQuery
        {
            Status = reader.Enum<CampaignStatus>("status", status),
            Type = reader.Enum<CampaignType>("type", type),
            ActiveOn = day,
            Text = reader.Text("q", q, 200),
            Sort = reader.Sort(sort, new SortOrder<CampaignSortField>(CampaignSortField.CreatedAt, Descending: true)),
            Limit = reader.Limit(limit),
            Offset = reader.Offset(offset),
        };
        return reader.Problems.Any ? (null, Problems.Validation(reader.Problems)) : (query, null);
    }

    private static async Task<Results<Created<CampaignDto>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var body = await CampaignBody.ReadAsync(request, fields =>
        {
            var patch = ReadFields(fields);
            if (!patch.Name.HasValue && !fields.Reader.Problems.Any)
            {
                fields.Reader.Problems.Add("name", "is required");
            }

            return patch;
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var patch = body.Value!;
        var id = Guid.CreateVersion7().ToString();
        var result = await grains.Reference<ICampaignGrain>(id).CreateAsync(
            new NewCampaign(
                patch.Name.Value,
                patch.Type.HasValue ? patch.Type.Value : null,
                patch.Status.HasValue ? patch.Status.Value : null,
                patch.Description.Value,
                patch.TargetAudience.Value,
                patch.Budget.HasValue ? patch.Budget.Value : null,
                patch.ActualCost.HasValue ? patch.ActualCost.Value : null,
                patch.StartDate.Value,
                patch.EndDate.Value,
                patch.Metrics.HasValue ? patch.Metrics.Value : null),
            principal.ToActor());
        return result.IsSuccess
            ? TypedResults.Created($"/api/campaigns/{id}", result.Value)
            : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<CampaignDto>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains)
    {
        var campaign = await FindAsync(grains, id);
        return campaign is null ? NotFound(id) : TypedResults.Ok(campaign);
    }

    private static async Task<Results<Ok<CampaignDto>, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var body = await CampaignBody.ReadAsync(request, ReadFields, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        return ToResult(await grains.Reference<ICampaignGrain>(id).UpdateAsync(body.Value!, principal.ToActor(), Versions.IfMatch(request)));
    }

    private static async Task<Results<Ok<CampaignDto>, ProblemHttpResult>> ChangeStatusAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var body = await CampaignBody.ReadAsync(request, fields =>
        {
            var status = fields.Reader.EnumField<CampaignStatus>("status", allowNull: false);
            var note = fields.Reader.StringField("note");
            fields.Reader.RejectUnknownFields();
            if (!status.HasValue && !fields.Reader.Problems.Has("status"))
            {
                fields.Reader.Problems.Add("status", "is required");
            }

            if (note.Value is { Length: > NoteMaxLength })
            {
                fields.Reader.Problems.Add("note", $"must be at most {NoteMaxLength} characters");
            }

            return (Status: status.Value, Note: note.Value);
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        var (status, note) = body.Value;
        return ToResult(await grains.Reference<ICampaignGrain>(id).ChangeStatusAsync(status, note, principal.ToActor(), Versions.IfMatch(request)));
    }

    private static async Task<Results<Ok<CampaignDto>, ProblemHttpResult>> AddMetricsAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var body = await CampaignBody.ReadAsync(request, fields => fields.Increments(), cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        return ToResult(await grains.Reference<ICampaignGrain>(id).AddMetricsAsync(body.Value!, principal.ToActor()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        var error = await grains.Reference<ICampaignGrain>(id).DeleteAsync(principal.ToActor(), Versions.IfMatch(request));
        return error is null ? TypedResults.NoContent() : Problems.From(error);
    }

    private static async Task<Results<Ok<Page<LeadDto>>, ProblemHttpResult>> LeadsAsync(
        string id, IGrainFactory grains, ILeadQueries leads, CancellationToken cancellationToken,
        string? status = null, string? q = null, string? sort = null, string? limit = null, string? offset = null)
    {
        if (await FindAsync(grains, id) is null)
        {
            return NotFound(id);
        }

        var reader = new QueryReader(new FieldProblems());
        var query = new LeadListQuery
        {
            CampaignId = id,
            Status = reader.Enum<LeadStatus>("status", status),
            Text = reader.Text("q", q, 200),
            Sort = reader.Sort(sort, new SortOrder<LeadSortField>(LeadSortField.CreatedAt, Descending: true)),
            Limit = reader.Limit(limit),
            Offset = reader.Offset(offset),
        };
        if (reader.Problems.Any)
        {
            return Problems.Validation(reader.Problems);
        }

        return TypedResults.Ok(await leads.ListAsync(query, cancellationToken));
    }

    private static async Task<Results<Ok<Page<TimelineEntryDto>>, ProblemHttpResult>> TimelineAsync(
        string id, IGrainFactory grains, ITimelineStore timeline, CancellationToken cancellationToken,
        string? limit = null, string? offset = null)
    {
        if (await FindAsync(grains, id) is null)
        {
            return NotFound(id);
        }

        return await TimelineEndpoints.ListAsync(timeline, CampaignNames.Kind, id, limit, offset, cancellationToken);
    }

    /// <summary>Reads every writable campaign field; the create and update bodies share one shape.</summary>
    private static CampaignPatch ReadFields(CampaignBody fields)
    {
        var reader = fields.Reader;
        var patch = new CampaignPatch
        {
            Name = reader.StringField("name"),
            Type = reader.EnumField<CampaignType>("type", allowNull: false),
            Status = reader.EnumField<CampaignStatus>("status", allowNull: false),
            Description = reader.StringField("description"),
            TargetAudience = reader.StringField("target_audience"),
            Budget = fields.Money("budget"),
            ActualCost = fields.Money("actual_cost"),
            StartDate = fields.Date("start_date"),
            EndDate = fields.Date("end_date"),
            Metrics = fields.MetricValues("metrics"),
        };
        reader.RejectUnknownFields(ReadOnlyFields);
        return patch;
    }

    private static async Task<CampaignDto?> FindAsync(IGrainFactory grains, string id) =>
        EntityIds.IsPlausible(id) ? await grains.Reference<ICampaignGrain>(id).GetAsync() : null;

    private static Results<Ok<CampaignDto>, ProblemHttpResult> ToResult(CommandResult<CampaignDto> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value!) : Problems.From(result.Error!);

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound(
        EntityIds.IsPlausible(id) ? $"Campaign '{id}' was not found." : "No campaign has this id.");
}
