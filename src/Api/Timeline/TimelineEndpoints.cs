using System.Text.Json.Nodes;
using CrmChatbot.Api.Http;
using CrmChatbot.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrmChatbot.Api.Timeline;

/// <summary>A timeline entry as the API shows it; before/after values are JSON values, not strings.</summary>
public sealed record TimelineChangeDto(string Field, JsonNode? From, JsonNode? To);

public sealed record TimelineActorDto(ActorKind Kind, string? Id, string? Name);

public sealed record TimelineEntryDto(
    string Id, DateTime At, long Version, TimelineActorDto Actor, string Action, IReadOnlyList<TimelineChangeDto> Changes, string? Note);

/// <summary>Serves <c>GET /api/{kind}/{id}/timeline</c> for every entity kind.</summary>
public static class TimelineEndpoints
{
    /// <summary>The entity's history, newest first; the caller has already checked the entity exists and may be read.</summary>
    public static async Task<Results<Ok<Page<TimelineEntryDto>>, ProblemHttpResult>> ListAsync(
        ITimelineStore timeline, string kind, string id, string? limit, string? offset, CancellationToken cancellationToken)
    {
        var reader = new QueryReader(new FieldProblems());
        var pageSize = reader.Limit(limit);
        var skip = reader.Offset(offset);
        if (reader.Problems.Any)
        {
            return Problems.Validation(reader.Problems);
        }

        var page = await timeline.ListAsync(kind, id, pageSize, skip, cancellationToken);
        return TypedResults.Ok(new Page<TimelineEntryDto>([.. page.Items.Select(ToDto)], page.Total, page.Next));
    }

    private static TimelineEntryDto ToDto(TimelineEntry entry) => new(
        entry.Id,
        entry.At,
        entry.Version,
        new TimelineActorDto(entry.ActorKind, entry.ActorId, entry.ActorName),
        entry.Action,
        [.. entry.Changes.Select(c => new TimelineChangeDto(c.Field, Parse(c.From), Parse(c.To)))],
        entry.Note);

    private static JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json);
}
