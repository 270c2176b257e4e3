using CrmChatbot.Common;

namespace CrmChatbot.Storage.Queries;

/// <summary>
/// A list endpoint's queries over one collection: pages (limit and offset) and whole-list walks (keyset pages, for
/// exports), both from the one definition of the list's filters, search and sort that <see cref="Build"/> gives.
/// </summary>
public abstract class EntityListQueries<TQuery, TState, TDto>
    where TQuery : class
    where TState : class, new()
{
    private readonly string _collection;

    protected EntityListQueries(IDocumentQueries documents, string collection)
    {
        ArgumentNullException.ThrowIfNull(documents);
        Documents = documents;
        _collection = collection;
    }

    protected IDocumentQueries Documents { get; }

    public async Task<Page<TDto>> ListAsync(TQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var built = Build(query);
        QueryRules.ValidatePaging(built.Limit, built.Offset);
        return await Documents.PageAsync<TState, TDto>(_collection, built, Map, cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<TDto> WalkAsync(TQuery query, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Documents.WalkAsync<TState, TDto>(_collection, Build(query), Map, pageSize, cancellationToken);
    }

    /// <summary>The list's filters, search, sort and page as a document query.</summary>
    protected abstract DocumentQuery Build(TQuery query);

    protected abstract TDto Map(StoredDocument<TState> document);
}
