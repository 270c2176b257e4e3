using System.Security.Claims;
using System.Text.Json;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Csv;
using CrmChatbot.Api.Http;
using CrmChatbot.Api.OpenApi;
using CrmChatbot.Api.Timeline;
using CrmChatbot.Common;
using CrmChatbot.Tickets;
using CrmChatbot.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CrmChatbot.Api.Tickets;

/// <summary>
/// Documents the body of <c>POST /api/tickets</c>. <c>status</c> is the initial status (default open): staff may give
/// any, a client only open (another is 403).
/// </summary>
public sealed record CreateTicketRequest(
    string Subject, string? Description = null, TicketPriority? Priority = null, TicketStatus? Status = null, string? RequesterId = null,
    string? AssigneeId = null, IReadOnlyList<string>? Tags = null);

/// <summary>Documents the body of <c>PUT /api/tickets/{id}</c>: fields present change, others keep their value.</summary>
public sealed record UpdateTicketRequest(
    string? Subject = null, string? Description = null, TicketPriority? Priority = null, TicketStatus? Status = null,
    string? AssigneeId = null, IReadOnlyList<string>? Tags = null);

public sealed record TicketStatusRequest(TicketStatus Status);

public sealed record TicketCommentRequest(string Body, bool Internal = false);

/// <summary>
/// Support tickets for staff and clients. Every path's {id} is the ticket id or its number
/// (<c>T-1001</c>). Clients see and touch only the tickets they requested; any other is 404.
/// </summary>
public static class TicketEndpoints
{
    private static readonly string[] ReadOnlyFields =
        ["id", "number", "created_at", "updated_at", "resolved_at", "closed_at", "first_response_at", "sla", "sla_breached", "version"];

    public static RouteGroupBuilder MapTicketEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/tickets").WithTags("Tickets").RequireAuthorization().ProducesAuthProblems()
            .AddEndpointFilter<ETagFilter>();

        group.MapGet("/", ListAsync).WithName("Tickets_List")
            .WithSummary("List tickets (clients: their own, without staff fields): filter by status, priority, assignee_id, requester_id, sla_breached, number, tag (the last three staff only), q; sort=-created_at|created_at|updated_at|priority|number; limit and offset")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/export", ExportAsync).WithName("Tickets_Export")
            .WithSummary("Every ticket the list with the same filters and sort returns, as CSV (clients: their own, staff columns empty; columns in the README)")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/", CreateAsync).WithName("Tickets_Create").AcceptsJson<CreateTicketRequest>()
            .WithSummary("Open a ticket (numbered T-1001, T-1002, ...). Clients open tickets for themselves (at most TICKET_CLIENT_MAX_OPEN unresolved, else 409) with status open (another is 403); staff may give any initial status, requester_id, assignee_id and tags")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}", GetAsync).WithName("Tickets_Get").WithSummary("Get a ticket by id or number (T-1001)").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}", UpdateAsync).WithName("Tickets_Update").AcceptsJson<UpdateTicketRequest>()
            .WithSummary("Update a ticket (partial; status moves follow the workflow, 409 names the allowed next statuses; If-Match supported)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapPatch("/{id}", UpdateAsync).WithName("Tickets_Patch").AcceptsJson<UpdateTicketRequest>().WithSummary("Same as PUT")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapPost("/{id}/status", ChangeStatusAsync).WithName("Tickets_ChangeStatus").AcceptsJson<TicketStatusRequest>()
            .WithSummary("Move a ticket to another status (same rules as status in PUT; clients: at most TICKET_CLIENT_STATUS_CHANGES_PER_DAY closes/reopens per ticket, else 429 with Retry-After; If-Match supported)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapDelete("/{id}", DeleteAsync).WithName("Tickets_Delete").WithSummary("Delete a ticket (staff; If-Match supported)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapGet("/{id}/comments", CommentsAsync).WithName("Tickets_ListComments")
            .WithSummary("The ticket's comments, oldest first, a page at a time (limit, offset; clients: public replies only)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{id}/comments", CommentAsync).WithName("Tickets_AddComment").AcceptsJson<TicketCommentRequest>()
            .WithSummary("Add a public reply, or (staff) an internal note with internal: true (body at most 5,000 characters; clients: at most TICKET_CLIENT_COMMENTS_PER_HOUR per ticket, else 429 with Retry-After)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/{id}/timeline", TimelineAsync).WithName("Tickets_Timeline").WithSummary("The ticket's history, newest first (clients: without internal notes)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<Page<TicketDto>>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal principal, ITicketQueries queries, CancellationToken cancellationToken,
        string? status = null, string? priority = null, [FromQuery(Name = "assignee_id")] string? assigneeId = null,
        [FromQuery(Name = "requester_id")] string? requesterId = null, [FromQuery(Name = "sla_breached")] string? slaBreached = null,
        string? number = null, string? tag = null, string? q = null, string? sort = null, string? limit = null, string? offset = null)
    {
        var actor = principal.ToActor();
        var (query, problem) = ReadListQuery(actor, status, priority, assigneeId, requesterId, slaBreached, number, tag, q, sort, limit, offset);
        if (problem is not null)
        {
            return problem;
        }

        if (query is null)
        {
            return TypedResults.Ok(new Page<TicketDto>([], 0, null));
        }

        var page = await queries.ListAsync(query, cancellationToken);
        return TypedResults.Ok(actor.IsStaff ? page : page with { Items = [.. page.Items.Select(t => TicketViews.For(actor, t))] });
    }

    /// <summary>Every ticket the list with the same parameters would page through, as CSV, in the caller's view (clients: their own, without staff fields).</summary>
    private static IResult ExportAsync(
        ClaimsPrincipal principal, ITicketQueries queries, CancellationToken cancellationToken,
        string? status = null, string? priority = null, [FromQuery(Name = "assignee_id")] string? assigneeId = null,
        [FromQuery(Name = "requester_id")] string? requesterId = null, [FromQuery(Name = "sla_breached")] string? slaBreached = null,
        string? number = null, string? tag = null, string? q = null, string? sort = null)
    {
        var actor = principal.ToActor();
        var (query, problem) = ReadListQuery(actor, status, priority, assigneeId, requesterId, slaBreached, number, tag, q, sort, null, null);
        if (problem is not null)
        {
            return problem;
        }

        var tickets = query is null ? AsyncEnumerable.Empty<TicketDto>() : queries.WalkAsync(query, CsvExport.PageSize, cancellationToken);
        return TypedResults.Extensions.Csv(
            "tickets", CsvExport.TicketColumns, actor.IsStaff ? tickets : tickets.Select(t => TicketViews.For(actor, t)));
    }

    /// <summary>
    /// The list's query parameters (shared by the list and its export) with the caller's access rule applied: a client's
    /// query is limited to their own tickets, and null when they asked for someone else's. Or a 422 naming the bad ones.
    /// </summary>
    private static (TicketListQuery? Query, ProblemHttpResult? Problem) ReadListQuery(
        Actor actor, string? status, string? priority, string? assigneeId, string? requesterId, string? slaBreached,
        string? number, string? tag, string? q, string? sort, string? limit, string? offset)
    {
        var reader = new QueryReader(new FieldProblems());
        long? ticketNumber = null;
        if (!string.IsNullOrWhiteSpace(number))
        {
            if (TicketNumbers.TryParse(number.Trim(), out var parsed) ||
                long.TryParse(number.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out parsed))
            {
                ticketNumber = parsed;
            }
            else
            {
                reader.Problems.Add("number", "must be a ticket number such as T-1001");
            }
        }

        var query = new TicketListQuery
        {
            Status = reader.Enum<TicketStatus>("status", status),
            Priority = reader.Enum<TicketPriority>("priority", priority),
            AssigneeId = reader.Text("assignee_id", assigneeId, TicketLimits.IdMaxLength),
            RequesterId = reader.Text("requester_id", requesterId, TicketLimits.IdMaxLength),
            SlaBreached = reader.Bool("sla_breached", slaBreached),
            Number = ticketNumber,
            Tag = reader.Text("tag", tag, TicketLimits.TagMaxLength),
            Text = reader.Text("q", q, TicketLimits.TextSearchMaxLength),
            Sort = reader.Sort(sort, new SortOrder<TicketSortField>(TicketSortField.CreatedAt, Descending: true)),
            Limit = reader.Limit(limit),
            Offset = reader.Offset(offset),
        };
        if (!actor.IsStaff)
        {
            // Filtering their own tickets by staff-only fields would tell a client those fields' values.
            foreach (var (field, given) in new[] { ("assignee_id", assigneeId), ("tag", tag), ("sla_breached", slaBreached) })
            {
                if (!string.IsNullOrEmpty(given) && !reader.Problems.Has(field))
                {
                    reader.Problems.Add(field, "is a staff-only filter");
                }
            }
        }

        if (reader.Problems.Any)
        {
            return (null, Problems.Validation(reader.Problems));
        }

        if (!actor.IsStaff)
        {
            // A client's list is their own tickets, whatever else they filter by.
            if (query.RequesterId is not null && query.RequesterId != actor.UserId)
            {
                return (null, null);
            }

            query = query with { RequesterId = actor.UserId };
        }

        return (query, null);
    }

    private static async Task<Results<Created<TicketDto>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, IUserQueries users,
        CancellationToken cancellationToken)
    {
        var body = await TicketBodyReader.ReadAsync(request, reader =>
        {
            var fields = ReadFields(reader, creating: true);
            if (!fields.Patch.Subject.HasValue && !reader.Reader.Problems.Has("subject"))
            {
                reader.Reader.Problems.Add("subject", "is required");
            }

            return fields;
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var (patch, requesterId) = body.Value!;
        var actor = principal.ToActor();
        // Staff-only fields are refused for clients by the rules (403) before any look-up.
        if (actor.IsStaff && await CheckUsersAsync(users, requesterId, patch.AssigneeId, cancellationToken) is { } userProblem)
        {
            return userProblem;
        }

        var ticket = new NewTicket(
            patch.Subject.Value,
            patch.Description.Value,
            patch.Priority.HasValue ? patch.Priority.Value : null,
            string.IsNullOrWhiteSpace(requesterId) ? actor.UserId : requesterId.Trim(),
            patch.AssigneeId.Value,
            patch.Tags.Value,
            patch.Status.HasValue ? patch.Status.Value : null);
        var result = await grains.Reference<ITicketNumberGrain>(ITicketNumberGrain.Key).CreateTicketAsync(ticket, actor);
        return result.IsSuccess
            ? TypedResults.Created($"/api/tickets/{result.Value!.Id}", result.Value)
            : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<TicketDto>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal principal, IGrainFactory grains, ITicketQueries queries, CancellationToken cancellationToken)
    {
        var ticketId = await ResolveAsync(id, queries, cancellationToken);
        var ticket = ticketId is null ? null : await grains.Reference<ITicketGrain>(ticketId).GetAsync(principal.ToActor());
        return ticket is null ? NotFound(id) : TypedResults.Ok(ticket);
    }

    private static async Task<Results<Ok<TicketDto>, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, ITicketQueries queries, IUserQueries users,
        CancellationToken cancellationToken)
    {
        var body = await TicketBodyReader.ReadAsync(request, reader => ReadFields(reader, creating: false), cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var patch = body.Value!.Patch;
        var actor = principal.ToActor();
        if (actor.IsStaff && patch.AssigneeId.HasValue && await CheckUsersAsync(users, null, patch.AssigneeId, cancellationToken) is { } userProblem)
        {
            return userProblem;
        }

        return await ApplyAsync(id, patch, request, actor, grains, queries, cancellationToken);
    }

    private static async Task<Results<Ok<TicketDto>, ProblemHttpResult>> ChangeStatusAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, ITicketQueries queries,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, reader =>
        {
            var status = reader.EnumField<TicketStatus>("status", allowNull: false);
            if (!status.HasValue && !reader.Problems.Has("status"))
            {
                reader.Problems.Add("status", "is required");
            }

            reader.RejectUnknownFields();
            return new TicketPatch { Status = status };
        }, cancellationToken);
        return body.Problem ?? await ApplyAsync(id, body.Value!, request, principal.ToActor(), grains, queries, cancellationToken);
    }

    private static async Task<Results<Ok<TicketDto>, ProblemHttpResult>> ApplyAsync(
        string id, TicketPatch patch, HttpRequest request, Actor actor, IGrainFactory grains, ITicketQueries queries,
        CancellationToken cancellationToken)
    {
        if (await ResolveAsync(id, queries, cancellationToken) is not { } ticketId)
        {
            return NotFound(id);
        }

        var result = await grains.Reference<ITicketGrain>(ticketId).UpdateAsync(patch, actor, Versions.IfMatch(request));
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : Fail(result.Error!, id, request.HttpContext.Response);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, ITicketQueries queries,
        CancellationToken cancellationToken)
    {
        if (await ResolveAsync(id, queries, cancellationToken) is not { } ticketId)
        {
            return NotFound(id);
        }

        var error = await grains.Reference<ITicketGrain>(ticketId).DeleteAsync(principal.ToActor(), Versions.IfMatch(request));
        return error is null ? TypedResults.NoContent() : Fail(error, id);
    }

    private static async Task<Results<Ok<Page<TicketCommentDto>>, ProblemHttpResult>> CommentsAsync(
        string id, ClaimsPrincipal principal, IGrainFactory grains, ITicketQueries queries, CancellationToken cancellationToken,
        string? limit = null, string? offset = null)
    {
        var reader = new QueryReader(new FieldProblems());
        var pageSize = reader.Limit(limit);
        var skip = reader.Offset(offset);
        if (reader.Problems.Any)
        {
            return Problems.Validation(reader.Problems);
        }

        if (await ResolveAsync(id, queries, cancellationToken) is not { } ticketId)
        {
            return NotFound(id);
        }

        var result = await grains.Reference<ITicketGrain>(ticketId).GetCommentsAsync(principal.ToActor(), pageSize, skip);
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : Fail(result.Error!, id);
    }

    private static async Task<Results<Created<TicketCommentDto>, ProblemHttpResult>> CommentAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, ITicketQueries queries,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, reader =>
        {
            var text = reader.StringField("body");
            var isInternal = reader.BoolField("internal");
            if (!text.HasValue && !reader.Problems.Has("body"))
            {
                reader.Problems.Add("body", "is required");
            }

            reader.RejectUnknownFields("id", "author_id", "author_name", "created_at");
            return new NewTicketComment(text.Value, isInternal.HasValue && isInternal.Value);
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (await ResolveAsync(id, queries, cancellationToken) is not { } ticketId)
        {
            return NotFound(id);
        }

        var result = await grains.Reference<ITicketGrain>(ticketId).AddCommentAsync(body.Value!, principal.ToActor(), Versions.IfMatch(request));
        return result.IsSuccess
            ? TypedResults.Created($"/api/tickets/{ticketId}/comments", result.Value!)
            : Fail(result.Error!, id, request.HttpContext.Response);
    }

    private static async Task<Results<Ok<Page<TimelineEntryDto>>, ProblemHttpResult>> TimelineAsync(
        string id, ClaimsPrincipal principal, IGrainFactory grains, ITicketQueries queries, ITimelineStore timeline,
        CancellationToken cancellationToken, string? limit = null, string? offset = null)
    {
        var actor = principal.ToActor();
        var ticketId = await ResolveAsync(id, queries, cancellationToken);
        if (ticketId is null || await grains.Reference<ITicketGrain>(ticketId).GetAsync(actor) is null)
        {
            return NotFound(id);
        }

        var view = actor.IsStaff ? timeline : new ClientTimeline(timeline);
        return await TimelineEndpoints.ListAsync(view, "ticket", ticketId, limit, offset, cancellationToken);
    }

    /// <summary>The ticket id for an id or a number (T-1001); null when it cannot name a ticket.</summary>
    private static async Task<string?> ResolveAsync(string idOrNumber, ITicketQueries queries, CancellationToken cancellationToken)
    {
        if (TicketNumbers.TryParse(idOrNumber, out var number))
        {
            return await queries.FindIdByNumberAsync(number, cancellationToken);
        }

        return EntityIds.IsPlausible(idOrNumber) ? idOrNumber : null;
    }

    /// <summary>Reads every writable ticket field; the create and update bodies share one shape.</summary>
    private static (TicketPatch Patch, string? RequesterId) ReadFields(TicketBodyReader body, bool creating)
    {
        var reader = body.Reader;
        var patch = new TicketPatch
        {
            Subject = reader.StringField("subject"),
            Description = reader.StringField("description"),
            Priority = reader.EnumField<TicketPriority>("priority", allowNull: false),
            // On create, null means the default (open), as the original API's optional field did.
            Status = reader.EnumField<TicketStatus>("status", allowNull: creating),
            AssigneeId = reader.StringField("assignee_id"),
            Tags = body.StringList("tags"),
        };
        // The requester is fixed at creation. Who may start a ticket in which status is the rules' decision.
        var requesterId = creating ? reader.String("requester_id") : null;
        reader.RejectUnknownFields(creating ? ReadOnlyFields : [.. ReadOnlyFields, "requester_id"]);
        return (patch, requesterId);
    }

    /// <summary>A requester must be an existing user; an assignee an active agent or admin (null clears it).</summary>
    private static async Task<ProblemHttpResult?> CheckUsersAsync(
        IUserQueries users, string? requesterId, Optional<string> assigneeId, CancellationToken cancellationToken)
    {
        var problems = new FieldProblems();
        if (!string.IsNullOrWhiteSpace(requesterId) && await FindUserAsync(users, requesterId, cancellationToken) is null)
        {
            problems.Add("requester_id", "must be the id of an existing user");
        }

        if (!string.IsNullOrWhiteSpace(assigneeId.Value))
        {
            var assignee = await FindUserAsync(users, assigneeId.Value, cancellationToken);
            if (assignee is not { IsActive: true } || !assignee.Role.IsStaff())
            {
                problems.Add("assignee_id", "must be the id of an active agent or admin");
            }
        }

        return problems.Any ? Problems.Validation(problems) : null;
    }

    private static async Task<UserDto?> FindUserAsync(IUserQueries users, string id, CancellationToken cancellationToken) =>
        EntityIds.IsPlausible(id.Trim()) ? await users.FindByIdAsync(id.Trim(), cancellationToken) : null;

    /// <summary>Problems, with not-found worded by what the caller gave (never revealing the id behind a number).</summary>
    private static ProblemHttpResult Fail(CommandError error, string given) =>
        error.Kind == ErrorKind.NotFound ? NotFound(given) : Problems.From(error);

    /// <summary>Same, with the Retry-After header of a refusal by a quota (429).</summary>
    private static ProblemHttpResult Fail(CommandError error, string given, HttpResponse response)
    {
        if (error is { Kind: ErrorKind.Throttled, RetryAfterSeconds: { } seconds })
        {
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Fail(error, given);
    }

    private static ProblemHttpResult NotFound(string given) => Problems.NotFound(
        EntityIds.IsPlausible(given) ? $"Ticket '{given}' was not found." : "No ticket has this id.");
}
