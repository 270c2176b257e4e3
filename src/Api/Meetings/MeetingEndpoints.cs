using System.Security.Claims;
using System.Text;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Csv;
using CrmChatbot.Api.Http;
using CrmChatbot.Api.OpenApi;
using CrmChatbot.Api.Timeline;
using CrmChatbot.Common;
using CrmChatbot.Meetings;
using CrmChatbot.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CrmChatbot.Api.Meetings;

/// <summary>
/// Documents a participant object in a request: one of user_id, lead_id, email. A plain string works too, as in the
/// original API: a user id, lead id or email resolves to that user or lead (an unknown email stays an email), any
/// other string is a guest known by that name.
/// </summary>
public sealed record ParticipantRequest(string? UserId = null, string? LeadId = null, string? Email = null, ParticipantResponse? Response = null);

/// <summary>Documents the body of <c>POST /api/meetings</c>.</summary>
public sealed record CreateMeetingRequest(
    string Title, DateTimeOffset Date, DateTimeOffset? End = null, int? DurationMinutes = null, string? TimeZone = null,
    string? Location = null, string? MeetingUrl = null, MeetingStatus? Status = null, IReadOnlyList<ParticipantRequest>? Participants = null,
    string? Notes = null, string? LeadId = null, string? TicketId = null);

/// <summary>Documents the body of <c>PUT /api/meetings/{id}</c>: fields present change, others keep their value.</summary>
public sealed record UpdateMeetingRequest(
    string? Title = null, DateTimeOffset? Date = null, DateTimeOffset? End = null, int? DurationMinutes = null, string? TimeZone = null,
    string? Location = null, string? MeetingUrl = null, MeetingStatus? Status = null, IReadOnlyList<ParticipantRequest>? Participants = null,
    string? Notes = null, string? LeadId = null, string? TicketId = null);

/// <summary>Documents the body of <c>POST /api/meetings/{id}/respond</c>.</summary>
public sealed record RespondRequest(ParticipantResponse Response);

/// <summary>
/// Meetings. Staff manage all of them; a client sees (lists, reads, downloads, answers) only the
/// meetings they take part in, and any other meeting does not exist for them (404).
/// </summary>
public static class MeetingEndpoints
{
    public static RouteGroupBuilder MapMeetingEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/meetings").WithTags("Meetings").RequireAuthorization().ProducesAuthProblems()
            .AddEndpointFilter<ETagFilter>();

        group.MapGet("/", ListAsync).WithName("Meetings_List")
            .WithSummary("List meetings overlapping from/to; filter by participant (user id, lead id, email or a guest's name), status, lead_id, ticket_id, q; sort=date|-date|created_at|title; clients see only their meetings")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/export", ExportAsync).WithName("Meetings_Export")
            .WithSummary("Every meeting the list with the same filters and sort returns, as CSV (clients: the meetings they are in, in the client view; columns in the README)")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/", CreateAsync).WithName("Meetings_Create").AcceptsJson<CreateMeetingRequest>()
            .WithSummary("Book a meeting (staff). participants: objects, or plain strings (a user id, lead id or email resolves to that person; any other string is a guest's name). 409 with conflicts when a user participant is busy, unless force=true")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}", GetAsync).WithName("Meetings_Get").WithSummary("Get a meeting").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}", UpdateAsync).WithName("Meetings_Update").AcceptsJson<UpdateMeetingRequest>()
            .WithSummary("Update a meeting (staff; partial; status transitions; conflicts unless force=true; If-Match supported)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPatch("/{id}", UpdateAsync).WithName("Meetings_Patch").AcceptsJson<UpdateMeetingRequest>().WithSummary("Same as PUT")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/{id}", DeleteAsync).WithName("Meetings_Delete").WithSummary("Delete a meeting (staff; If-Match supported)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id}/respond", RespondAsync).WithName("Meetings_Respond").AcceptsJson<RespondRequest>()
            .WithSummary("Answer the invitation for yourself: needs_action, accepted, declined, tentative (participants; If-Match supported)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapGet("/{id}/ics", IcsAsync).WithName("Meetings_GetIcs").WithSummary("The meeting as an iCalendar (RFC 5545) file")
            .Produces<string>(StatusCodes.Status200OK, "text/calendar")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/timeline", TimelineAsync).WithName("Meetings_Timeline").WithSummary("The meeting's history, newest first (staff)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<Page<MeetingDto>>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal principal, IMeetingQueries queries, CancellationToken cancellationToken,
        string? from = null, string? to = null, string? participant = null, string? status = null,
        [FromQuery(Name = "lead_id")] string? leadId = null, [FromQuery(Name = "ticket_id")] string? ticketId = null,
        string? q = null, string? sort = null, string? limit = null, string? offset = null)
    {
        var (query, problem) = ReadListQuery(principal, from, to, participant, status, leadId, ticketId, q, sort, limit, offset);
        if (problem is not null)
        {
            return problem;
        }

        return query is null
            ? TypedResults.Ok(new Page<MeetingDto>([], 0, null))
            : TypedResults.Ok(MeetingViews.For(principal, await queries.ListAsync(query, cancellationToken)));
    }

    /// <summary>Every meeting the list with the same parameters would page through, as CSV, in the caller's view (clients: theirs, the client view).</summary>
    private static IResult ExportAsync(
        ClaimsPrincipal principal, IMeetingQueries queries, CancellationToken cancellationToken,
        string? from = null, string? to = null, string? participant = null, string? status = null,
        [FromQuery(Name = "lead_id")] string? leadId = null, [FromQuery(Name = "ticket_id")] string? ticketId = null,
        string? q = null, string? sort = null)
    {
        var (query, problem) = ReadListQuery(principal, from, to, participant, status, leadId, ticketId, q, sort, null, null);
        if (problem is not null)
        {
            return problem;
        }

        var meetings = query is null ? AsyncEnumerable.Empty<MeetingDto>() : queries.WalkAsync(query, CsvExport.PageSize, cancellationToken);
        return TypedResults.Extensions.Csv("meetings", CsvExport.MeetingColumns, meetings.Select(m => MeetingViews.For(principal, m)));
    }

    /// <summary>
    /// The list's query parameters (shared by the list and its export) with the caller's access rule applied: a client's
    /// query is limited to their own meetings, and null when they asked for someone else's. Or a 422 naming the bad ones.
    /// </summary>
    private static (MeetingListQuery? Query, ProblemHttpResult? Problem) ReadListQuery(
        ClaimsPrincipal principal, string? from, string? to, string? participant, string? status, string? leadId, string? ticketId,
        string? q, string? sort, string? limit, string? offset)
    {
        var reader = new QueryReader(new FieldProblems());
        var participantText = reader.Text("participant", participant, 254);
        var query = new MeetingListQuery
        {
            From = Instant(reader, "from", from),
            To = Instant(reader, "to", to),
            ParticipantKeys = participantText is null ? null : KeysFor(participantText),
            Status = reader.Enum<MeetingStatus>("status", status),
            LeadId = reader.Text("lead_id", leadId, 64),
            TicketId = reader.Text("ticket_id", ticketId, 64),
            Text = reader.Text("q", q, 200),
            Sort = reader.Sort(sort, new SortOrder<MeetingSortField>(MeetingSortField.Date, Descending: false)),
            Limit = reader.Limit(limit),
            Offset = reader.Offset(offset),
        };
        if (query is { From: { } start, To: { } end } && end <= start)
        {
            reader.Problems.Add("to", "must be after from");
        }

        if (reader.Problems.Any)
        {
            return (null, Problems.Validation(reader.Problems));
        }

        if (!principal.Role().IsStaff())
        {
            // A client's list is their own meetings, whatever else they filter by.
            var own = ParticipantKeys.Of(ParticipantKind.User, principal.UserId());
            if (query.ParticipantKeys is { } asked && !asked.Contains(own, StringComparer.Ordinal))
            {
                return (null, null);
            }

            query = query with { ParticipantKeys = [own] };
        }

        return (query, null);
    }

    private static async Task<Results<Created<MeetingDto>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, CancellationToken cancellationToken, string? force = null)
    {
        if (!principal.Role().IsStaff())
        {
            return Problems.Forbidden("Clients cannot book meetings through this API.");
        }

        var body = await ReadAsync(request, force, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var id = Guid.CreateVersion7().ToString();
        var result = await grains.Reference<IMeetingGrain>(id).CreateAsync(body.Patch!, principal.ToActor(), body.Force);
        return result.IsSuccess
            ? TypedResults.Created($"/api/meetings/{id}", result.Value)
            : Problem(result);
    }

    private static async Task<Results<Ok<MeetingDto>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal principal, IGrainFactory grains)
    {
        var meeting = await VisibleAsync(id, principal, grains);
        return meeting is null ? NotFound(id) : TypedResults.Ok(meeting);
    }

    private static async Task<Results<Ok<MeetingDto>, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, CancellationToken cancellationToken,
        string? force = null)
    {
        if (await StaffOnlyAsync(id, principal, grains) is { } refused)
        {
            return refused;
        }

        var body = await ReadAsync(request, force, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var result = await grains.Reference<IMeetingGrain>(id).UpdateAsync(body.Patch!, principal.ToActor(), Versions.IfMatch(request), body.Force);
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : Problem(result);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (await StaffOnlyAsync(id, principal, grains) is { } refused)
        {
            return refused;
        }

        var error = await grains.Reference<IMeetingGrain>(id).DeleteAsync(principal.ToActor(), Versions.IfMatch(request));
        return error is null ? TypedResults.NoContent() : Problems.From(error);
    }

    private static async Task<Results<Ok<MeetingDto>, ProblemHttpResult>> RespondAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (await VisibleAsync(id, principal, grains) is null)
        {
            return NotFound(id);
        }

        var body = await JsonBody.ReadAsync(request, reader =>
        {
            var response = reader.EnumField<ParticipantResponse>("response", allowNull: false);
            if (!response.HasValue && !reader.Problems.Any)
            {
                reader.Problems.Add("response", "is required");
            }

            reader.RejectUnknownFields();
            return response.Value;
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var result = await grains.Reference<IMeetingGrain>(id).RespondAsync(body.Value, principal.ToActor(), Versions.IfMatch(request));
        return result.IsSuccess ? TypedResults.Ok(MeetingViews.For(principal, result.Value!)) : Problem(result);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> IcsAsync(
        string id, HttpContext context, ClaimsPrincipal principal, IGrainFactory grains)
    {
        var meeting = await VisibleAsync(id, principal, grains);
        if (meeting is null)
        {
            return NotFound(id);
        }

        context.Response.Headers.ETag = Versions.ToETag(meeting.Version);
        context.Response.Headers.ContentDisposition = $"inline; filename=\"meeting-{meeting.Id}.ics\"";
        return TypedResults.Text(MeetingCalendarFile.Build(meeting), "text/calendar", Encoding.UTF8);
    }

    private static async Task<Results<Ok<Page<TimelineEntryDto>>, ProblemHttpResult>> TimelineAsync(
        string id, ClaimsPrincipal principal, IGrainFactory grains, ITimelineStore timeline, CancellationToken cancellationToken,
        string? limit = null, string? offset = null)
    {
        if (await StaffOnlyAsync(id, principal, grains) is { } refused)
        {
            return refused;
        }

        if (await grains.Reference<IMeetingGrain>(id).GetAsync() is null)
        {
            return NotFound(id);
        }

        return await TimelineEndpoints.ListAsync(timeline, MeetingNames.Kind, id, limit, offset, cancellationToken);
    }

    /// <summary>
    /// The meeting if the caller may see it, in the caller's view (<see cref="MeetingViews"/>): staff
    /// see all, a client only meetings they take part in.
    /// </summary>
    private static async Task<MeetingDto?> VisibleAsync(string id, ClaimsPrincipal principal, IGrainFactory grains)
    {
        var meeting = EntityIds.IsPlausible(id) ? await grains.Reference<IMeetingGrain>(id).GetAsync() : null;
        if (meeting is null || principal.Role().IsStaff())
        {
            return meeting;
        }

        var self = principal.UserId();
        return meeting.Participants.Any(p => p.Kind == ParticipantKind.User && p.UserId == self) ? MeetingViews.ForClient(meeting, self) : null;
    }

    /// <summary>For staff-only actions: null to go on; 404 for a meeting the caller cannot see, 403 for one they can but may not change.</summary>
    private static async Task<ProblemHttpResult?> StaffOnlyAsync(string id, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        if (principal.Role().IsStaff())
        {
            return null;
        }

        return await VisibleAsync(id, principal, grains) is null
            ? NotFound(id)
            : Problems.Forbidden("Participants may read a meeting and answer it; changing it is for staff.");
    }

    private sealed record Body(MeetingPatch? Patch, bool Force, ProblemHttpResult? Problem);

    private static async Task<Body> ReadAsync(HttpRequest request, string? force, CancellationToken cancellationToken)
    {
        var query = new QueryReader(new FieldProblems());
        var forced = query.Bool("force", force) ?? false;
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Problem is not null)
        {
            return new Body(null, forced, body.Problem);
        }

        using var document = body.Document!;
        var reader = new JsonObjectReader(document.RootElement, query.Problems);
        var patch = MeetingBody.Read(document.RootElement, reader);
        return reader.Problems.Any ? new Body(null, forced, Problems.Validation(reader.Problems)) : new Body(patch, forced, null);
    }

    private static DateTime? Instant(QueryReader reader, string name, string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        if (MeetingBody.InstantProblem(raw, out var utc) is { } problem)
        {
            reader.Problems.Add(name, problem);
            return null;
        }

        return utc;
    }

    /// <summary>An email matches by address (however the person was invited); anything else is a user id, a lead id or a guest's name.</summary>
    private static IReadOnlyList<string> KeysFor(string participant) => participant.Contains('@', StringComparison.Ordinal)
        ? [ParticipantKeys.Of(ParticipantKind.Email, participant.ToLowerInvariant())]
        : [ParticipantKeys.Of(ParticipantKind.User, participant), ParticipantKeys.Of(ParticipantKind.Lead, participant), ParticipantKeys.Of(ParticipantKind.Name, participant)];

    /// <summary>A refusal as a problem; a refused booking lists its conflicts under <c>conflicts</c>.</summary>
    private static ProblemHttpResult Problem(MeetingResult result)
    {
        if (result.Conflicts is not { Count: > 0 } conflicts)
        {
            return Problems.From(result.Error!);
        }

        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = "Scheduling conflict",
            Detail = result.Error!.Message,
        };
        problem.Extensions["conflicts"] = conflicts;
        return TypedResults.Problem(problem);
    }

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound(
        EntityIds.IsPlausible(id) ? $"Meeting '{id}' was not found." : "No meeting has this id.");
}
