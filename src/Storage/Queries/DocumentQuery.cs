namespace CrmChatbot.Storage.Queries;

/// <summary>How a <see cref="FieldFilter"/> compares a document field with its value.</summary>
public enum FilterOp
{
    /// <summary>Equal. For an array field: the array contains the value.</summary>
    Eq,

    /// <summary>One of the values (Value is an IReadOnlyList&lt;object&gt;).</summary>
    In,

    Gt,
    Gte,
    Lt,
    Lte,

    /// <summary>Not equal (documents missing the field or holding null match too).</summary>
    Ne,
}

/// <summary>
/// One condition of a list query. <see cref="Field"/> is a snake_case state field (<c>status</c>,
/// <c>created_at</c>) or a computed field the collection's <see cref="CollectionSchema"/> declares.
/// Values are plain CLR values: string, bool, int, long, double, decimal, DateTime (UTC), an enum
/// (stored as its snake_case name), or null.
/// </summary>
public sealed record FieldFilter(string Field, FilterOp Op, object? Value)
{
    public static FieldFilter Eq(string field, object? value) => new(field, FilterOp.Eq, value);

    public static FieldFilter In(string field, IEnumerable<object> values) => new(field, FilterOp.In, values.ToArray());
}

/// <summary>
/// A store-neutral list query: filters (all must hold), an optional text search over the
/// collection's search fields, one sort key with the document id as tie-breaker, and a page.
/// Executed by <see cref="IDocumentQueries"/> on SQLite and MongoDB with the same results.
/// </summary>
public sealed record DocumentQuery
{
    public IReadOnlyList<FieldFilter> Filters { get; init; } = [];

    /// <summary>Case-insensitive substring over the schema's search fields; null or blank = no search.</summary>
    public string? Text { get; init; }

    /// <summary>A state field or computed field; ties are broken by <c>_id</c> in the same direction.</summary>
    public string SortField { get; init; } = "created_at";

    public bool Descending { get; init; } = true;

    public int Limit { get; init; } = 50;

    public int Offset { get; init; }

    /// <summary>
    /// Keyset paging: only documents after this position in the sort order (the <see cref="DocumentPage{TState}.Last"/>
    /// of the previous page). Each page then costs the same however deep it is, so a whole list can be walked with
    /// constant memory (exports). Needs <see cref="Offset"/> 0.
    /// </summary>
    public KeysetPosition? After { get; init; }

    /// <summary>False: the page's <see cref="DocumentPage{TState}.Total"/> is not counted (-1); a walk needs none.</summary>
    public bool CountTotal { get; init; } = true;

    /// <summary>A page of a list endpoint: the filters and sort field its query class resolved, and the request's paging.</summary>
    public static DocumentQuery Page(
        IReadOnlyList<FieldFilter> filters, string sortField, bool descending, int limit, int offset, string? text = null) => new()
    {
        Filters = filters,
        Text = text,
        SortField = sortField,
        Descending = descending,
        Limit = limit,
        Offset = offset,
    };
}

/// <summary>
/// A position in a list's sort order: the sort key of a document as the store holds it (opaque outside the store
/// that returned it) and its id, the tie-breaker.
/// </summary>
public sealed record KeysetPosition(object? SortValue, string Id);

/// <summary>One stored entity: its id (the grain key) and its state.</summary>
public sealed record StoredDocument<TState>(string Id, TState State);

public sealed record DocumentPage<TState>(IReadOnlyList<StoredDocument<TState>> Items, long Total, int? Next)
{
    /// <summary>The position of the page's last document (for <see cref="DocumentQuery.After"/>), or null when the page is empty.</summary>
    public KeysetPosition? Last { get; init; }
}

/// <summary>Runs list queries over the documents grain storage wrote. Never activates grains.</summary>
public interface IDocumentQueries
{
    Task<DocumentPage<TState>> QueryAsync<TState>(string collection, DocumentQuery query, CancellationToken cancellationToken = default)
        where TState : class, new();

    /// <summary>The first document matching every filter (by <c>_id</c> ascending), or null.</summary>
    Task<StoredDocument<TState>?> FindOneAsync<TState>(string collection, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default)
        where TState : class, new();

    Task<long> CountAsync(string collection, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default);
}

/// <summary>The filters of a list query, built from the optional parameters a client gave.</summary>
public sealed class FilterSet : List<FieldFilter>
{
    /// <summary>Adds an equality filter when <paramref name="value"/> was given (is not null).</summary>
    public FilterSet EqIfSet(string field, object? value)
    {
        if (value is not null)
        {
            Add(FieldFilter.Eq(field, value));
        }

        return this;
    }
}

public static class DocumentQueriesExtensions
{
    /// <summary>Runs a list query and maps each stored document to what the API returns.</summary>
    public static async Task<CrmChatbot.Common.Page<TDto>> PageAsync<TState, TDto>(
        this IDocumentQueries documents,
        string collection,
        DocumentQuery query,
        Func<StoredDocument<TState>, TDto> map,
        CancellationToken cancellationToken)
        where TState : class, new()
    {
        var page = await documents.QueryAsync<TState>(collection, query, cancellationToken).ConfigureAwait(false);
        return new CrmChatbot.Common.Page<TDto>([.. page.Items.Select(map)], page.Total, page.Next);
    }

    /// <summary>
    /// Every document of a list query (its filters, search and sort; its paging is ignored), read a page of
    /// <paramref name="pageSize"/> at a time with keyset paging: memory stays that of one page however long the list.
    /// </summary>
    public static async IAsyncEnumerable<TDto> WalkAsync<TState, TDto>(
        this IDocumentQueries documents,
        string collection,
        DocumentQuery query,
        Func<StoredDocument<TState>, TDto> map,
        int pageSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        where TState : class, new()
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var page = query with { Limit = pageSize, Offset = 0, After = null, CountTotal = false };
        while (true)
        {
            var result = await documents.QueryAsync<TState>(collection, page, cancellationToken).ConfigureAwait(false);
            foreach (var item in result.Items)
            {
                yield return map(item);
            }

            if (result.Items.Count < pageSize || result.Last is null)
            {
                yield break;
            }

            page = page with { After = result.Last };
        }
    }
}
