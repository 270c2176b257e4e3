using CrmChatbot.Common;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// The append-only collections besides the timeline that <see cref="MongoEntityStore"/> appends the rows of an
/// <see cref="IAppendsRows{TRow}"/> state's writes to, by row type (ticket comments, archived chat messages). Each is
/// registered once; the entity store finds it by the rows a write carries and knows no entity type.
/// </summary>
public sealed class AppendOnlyCollections
{
    private readonly Dictionary<Type, object> _collections = [];

    public AppendOnlyCollections Add<TRow>(IAppendOnlyRows<TRow> collection)
        where TRow : class
    {
        ArgumentNullException.ThrowIfNull(collection);
        _collections[typeof(TRow)] = collection;
        return this;
    }

    internal IAppendOnlyRows<TRow> Of<TRow>()
        where TRow : class =>
        _collections.TryGetValue(typeof(TRow), out var collection)
            ? (IAppendOnlyRows<TRow>)collection
            : throw new InvalidOperationException($"No append-only collection for {typeof(TRow).Name} rows is registered with the MongoDB entity store.");
}
