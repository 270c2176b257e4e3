using System.Security.Claims;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Csv;
using CrmChatbot.Api.Http;
using CrmChatbot.Api.OpenApi;
using CrmChatbot.Api.Timeline;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CrmChatbot.Api.Leads;

/// <summary>Documents the body of <c>POST /api/leads</c>.</summary>
public sealed record CreateLeadRequest(
    string Name, string? Email = null, string? Phone = null, string? Company = null, LeadStatus? Status = null,
    LeadSource? Source = null, string? Notes = null, string? OwnerId = null, string? CampaignId = null, string? LostReason = null);

/// <summary>Documents the body of <c>PUT /api/leads/{id}</c>: fields present change, others keep their value.</summary>
public sealed record UpdateLeadRequest(
    string? Name = null, string? Email = null, string? Phone = null, string? Company = null, LeadStatus? Status = null,
    LeadSource? Source = null, string? Notes = null, string? OwnerId = null, string? LostReason = null);

/// <summary>Documents the optional body of <c>POST /api/leads/{id}/convert</c>.</summary>
public sealed record ConvertLeadRequest(string? Notes = null);

/// <summary>Documents the body of <c>POST /api/leads/{id}/assign</c>.</summary>
public sealed record AssignLeadRequest(string OwnerId);

/// <summary>Leads, for staff. Writes go through the lead's grain; the list reads the store's documents.</summary>
public static class LeadEndpoints
{
    private static readonly string[] ReadOnlyFields = ["id", "created_at", "updated_at", "score", "converted_at", "converted_by"];

    // The campaign that brought a lead is a fact of its creation, not something to edit later.
    private static readonly string[] ReadOnlyOnUpdate = [.. ReadOnlyFields, "campaign_id"];

    public static RouteGroupBuilder MapLeadEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/leads").WithTags("Leads").RequireAuthorization(Policies.Staff).ProducesAuthProblems()
            .AddEndpointFilter<ETagFilter>();

        group.MapGet("/", ListAsync).WithName("Leads_List")
            .WithSummary("List leads: filter by status, source, owner_id, campaign_id, min_score, converted, q; sort=-created_at|created_at|updated_at|name|score; limit and offset")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/export", ExportAsync).WithName("Leads_Export")
            .WithSummary("Every lead the list with the same filters and sort returns, as CSV (RFC 4180, UTF-8 with BOM; columns in the README)")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/", CreateAsync).WithName("Leads_Create").AcceptsJson<CreateLeadRequest>()
            .WithSummary("Create a lead (409 with existing_id when another lead has its email or phone, unless allow_duplicate=true)")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}", GetAsync).WithName("Leads_Get").WithSummary("Get a lead").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}", UpdateAsync).WithName("Leads_Update").AcceptsJson<UpdateLeadRequest>()
            .WithSummary("Update a lead (partial: fields present change, others keep their value; If-Match supported)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPatch("/{id}", UpdateAsync).WithName("Leads_Patch").AcceptsJson<UpdateLeadRequest>().WithSummary("Same as PUT")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/{id}", DeleteAsync).WithName("Leads_Delete").WithSummary("Delete a lead (If-Match supported)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id}/convert", ConvertAsync).WithName("Leads_Convert").AcceptsJson<ConvertLeadRequest>()
            .WithSummary("Convert a lead (records who and when; 409 when lost or already converted; If-Match supported)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id}/assign", AssignAsync).WithName("Leads_Assign").AcceptsJson<AssignLeadRequest>()
            .WithSummary("Give a lead to an active agent or admin (If-Match supported)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapGet("/{id}/timeline", TimelineAsync).WithName("Leads_Timeline").WithSummary("The lead's history, newest first")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<Page<LeadDto>>, ProblemHttpResult>> ListAsync(
        ILeadQueries queries, CancellationToken cancellationToken,
        string? status = null, string? source = null, [FromQuery(Name = "owner_id")] string? ownerId = null,
        [FromQuery(Name = "campaign_id")] string? campaignId = null, [FromQuery(Name = "min_score")] string? minScore = null,
        string? converted = null, string? q = null, string? sort = null, string? limit = null, string? offset = null)
    {
        var (query, problem) = ReadListQuery(status, source, ownerId, campaignId, minScore, converted, q, sort, limit, offset);
        return problem is not null ? problem : TypedResults.Ok(await queries.ListAsync(query!, cancellationToken));
    }

    /// <summary>Every lead the list with the same parameters would page through, as CSV (limit and offset do not apply).</summary>
    private static IResult ExportAsync(
        ILeadQueries queries, CancellationToken cancellationToken,
        string? status = null, string? source = null, [FromQuery(Name = "owner_id")] string? ownerId = null,
        [FromQuery(Name = "campaign_id")] string? campaignId = null, [FromQuery(Name = "min_score")] string? minScore = null,
        string? converted = null, string? q = null, string? sort = null)
    {
        var (query, problem) = ReadListQuery(status, source, ownerId, campaignId, minScore, converted, q, sort, null, null);
        return problem is not null
            ? problem
            : TypedResults.Extensions.Csv("leads", CsvExport.LeadColumns, queries.WalkAsync(query!, CsvExport.PageSize, cancellationToken));
    }

    /// <summary>The list's query parameters (shared by the list and its export), or a 422 naming the bad ones.</summary>
    private static (LeadListQuery? Query, ProblemHttpResult? Problem) ReadListQuery(
        string? status, string? source, string? ownerId, string? campaignId, string? minScore,
        string? converted, string? q, string? sort, string? limit, string? offset)
    {
        var reader = new QueryReader(new FieldProblems());
        var query = new LeadListQuery
        {
            Status = reader.Enum<LeadStatus>("status", status),
            Source = reader.Enum<LeadSource>("source", source),
            OwnerId = reader.Text("owner_id", ownerId, 100),
            CampaignId = reader.Text("campaign_id", campaignId, 100),
            MinScore = string.IsNullOrEmpty(minScore) ? null : reader.Int("min_score", minScore, 0, 0, 100),
            Converted = reader.Bool("converted", converted),
            Text = reader.Text("q", q, 200),
            Sort = reader.Sort(sort, new SortOrder<LeadSortField>(LeadSortField.CreatedAt, Descending: true)),
            Limit = reader.Limit(limit),
            Offset = reader.Offset(offset),
        };
        return reader.Problems.Any ? (null, Problems.Validation(reader.Problems)) : (query, null);
    }

    private static async Task<Results<Created<LeadDto>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, IUserQueries users,
        CancellationToken cancellationToken, [FromQuery(Name = "allow_duplicate")] string? allowDuplicate = null)
    {
        var duplicates = AllowDuplicate(allowDuplicate);
        if (duplicates.Problem is not null)
        {
            return duplicates.Problem;
        }

        var body = await JsonBody.ReadAsync(request, reader =>
        {
            var campaignId = reader.StringField("campaign_id");
            var fields = ReadFields(reader, ReadOnlyFields);
            if (!fields.Name.HasValue && !reader.Problems.Any)
            {
                reader.Problems.Add("name", "is required");
            }

            return (Fields: fields, CampaignId: campaignId.Value);
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var (patch, campaignId) = body.Value;
        // A lead nobody owns is a lead nobody follows up: default to its creator.
        var ownerId = patch.OwnerId.HasValue ? patch.OwnerId.Value : principal.UserId();
        if (await CheckOwnerAsync(users, ownerId, cancellationToken) is { } ownerProblem)
        {
            return ownerProblem;
        }

        var id = Guid.CreateVersion7().ToString();
        var result = await grains.Reference<ILeadGrain>(id).CreateAsync(
            new NewLead(
                patch.Name.Value, patch.Email.Value, patch.Phone.Value, patch.Company.Value,
                patch.Status.HasValue ? patch.Status.Value : null,
                patch.Source.HasValue ? patch.Source.Value : null,
                patch.Notes.Value, ownerId, campaignId, patch.LostReason.Value),
            principal.ToActor(),
            duplicates.Value);
        return result.IsSuccess
            ? TypedResults.Created($"/api/leads/{id}", result.Value)
            : ProblemFrom(result.Error!);
    }

    private static async Task<Results<Ok<LeadDto>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains)
    {
        var lead = EntityIds.IsPlausible(id) ? await grains.Reference<ILeadGrain>(id).GetAsync() : null;
        return lead is null ? NotFound(id) : TypedResults.Ok(lead);
    }

    private static async Task<Results<Ok<LeadDto>, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, IUserQueries users,
        CancellationToken cancellationToken, [FromQuery(Name = "allow_duplicate")] string? allowDuplicate = null)
    {
        var duplicates = AllowDuplicate(allowDuplicate);
        if (duplicates.Problem is not null)
        {
            return duplicates.Problem;
        }

        var body = await JsonBody.ReadAsync(request, reader => ReadFields(reader, ReadOnlyOnUpdate), cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var patch = body.Value!;
        if (patch.OwnerId.HasValue && await CheckOwnerAsync(users, patch.OwnerId.Value, cancellationToken) is { } ownerProblem)
        {
            return ownerProblem;
        }

        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        var result = await grains.Reference<ILeadGrain>(id).UpdateAsync(patch, principal.ToActor(), Versions.IfMatch(request), duplicates.Value);
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : ProblemFrom(result.Error!);
    }

    private static async Task<Results<Ok<LeadDto>, ProblemHttpResult>> ConvertAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, CancellationToken cancellationToken)
    {
        string? notes = null;
        // The body is optional: none at all, or a JSON object with notes.
        if (request.ContentLength is > 0 || request.ContentType is not null)
        {
            var body = await JsonBody.ReadAsync(request, reader =>
            {
                var value = reader.String("notes");
                reader.RejectUnknownFields();
                return value;
            }, cancellationToken);
            if (body.Problem is not null)
            {
                return body.Problem;
            }

            notes = body.Value;
        }

        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        var result = await grains.Reference<ILeadGrain>(id).ConvertAsync(notes, principal.ToActor(), Versions.IfMatch(request));
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<LeadDto>, ProblemHttpResult>> AssignAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, IUserQueries users,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, reader =>
        {
            var owner = reader.String("owner_id");
            if (string.IsNullOrWhiteSpace(owner) && !reader.Problems.Any)
            {
                reader.Problems.Add("owner_id", "is required");
            }

            reader.RejectUnknownFields();
            return owner;
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (await CheckOwnerAsync(users, body.Value, cancellationToken) is { } ownerProblem)
        {
            return ownerProblem;
        }

        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        var result = await grains.Reference<ILeadGrain>(id).AssignAsync(body.Value!.Trim(), principal.ToActor(), Versions.IfMatch(request));
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : Problems.From(result.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        var error = await grains.Reference<ILeadGrain>(id).DeleteAsync(principal.ToActor(), Versions.IfMatch(request));
        return error is null ? TypedResults.NoContent() : Problems.From(error);
    }

    private static async Task<Results<Ok<Page<TimelineEntryDto>>, ProblemHttpResult>> TimelineAsync(
        string id, IGrainFactory grains, ITimelineStore timeline, CancellationToken cancellationToken,
        string? limit = null, string? offset = null)
    {
        if (!EntityIds.IsPlausible(id) || await grains.Reference<ILeadGrain>(id).GetAsync() is null)
        {
            return NotFound(id);
        }

        return await TimelineEndpoints.ListAsync(timeline, "lead", id, limit, offset, cancellationToken);
    }

    /// <summary>Reads every writable lead field; the create and update bodies share one shape.</summary>
    private static LeadPatch ReadFields(JsonObjectReader reader, string[] readOnlyFields)
    {
        var patch = new LeadPatch
        {
            Name = reader.StringField("name"),
            Email = reader.StringField("email"),
            Phone = reader.StringField("phone"),
            Company = reader.StringField("company"),
            Status = reader.EnumField<LeadStatus>("status", allowNull: false),
            Source = reader.EnumField<LeadSource>("source", allowNull: false),
            Notes = reader.StringField("notes"),
            OwnerId = reader.StringField("owner_id"),
            LostReason = reader.StringField("lost_reason"),
        };
        reader.RejectUnknownFields(readOnlyFields);
        return patch;
    }

    /// <summary>An owner must be an active staff account; null clears the owner.</summary>
    private static async Task<ProblemHttpResult?> CheckOwnerAsync(IUserQueries users, string? ownerId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(ownerId))
        {
            return null;
        }

        var owner = EntityIds.IsPlausible(ownerId.Trim()) ? await users.FindByIdAsync(ownerId.Trim(), cancellationToken) : null;
        return owner is { IsActive: true } && owner.Role.IsStaff()
            ? null
            : Problems.Validation("owner_id", "must be the id of an active agent or admin");
    }

    /// <summary>The <c>allow_duplicate</c> query parameter (default false), or a 422 naming it.</summary>
    private static (bool Value, ProblemHttpResult? Problem) AllowDuplicate(string? raw)
    {
        var reader = new QueryReader(new FieldProblems());
        var value = reader.Bool("allow_duplicate", raw) ?? false;
        return (value, reader.Problems.Any ? Problems.Validation(reader.Problems) : null);
    }

    /// <summary>Like <see cref="Problems.From"/>, with the duplicate's <c>existing_id</c> and <c>field</c> as problem extensions.</summary>
    private static ProblemHttpResult ProblemFrom(CommandError error) =>
        error is { Kind: ErrorKind.Conflict, Fields: { } fields } && fields.TryGetValue("existing_id", out var existing)
            ? TypedResults.Problem(
                error.Message, statusCode: StatusCodes.Status409Conflict, title: "Duplicate lead",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["existing_id"] = existing[0],
                    ["field"] = fields.TryGetValue("field", out var field) ? field[0] : null,
                })
            : Problems.From(error);

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound(
        EntityIds.IsPlausible(id) ? $"Lead '{id}' was not found." : "No lead has this id.");
}
