namespace CrmChatbot.Common;

/// <summary>One page of a list query. <see cref="Next"/> is the offset of the following page, if any.</summary>
/// <remarks>Serializable: a grain may return a page it read from a store (a ticket's comments).</remarks>
[GenerateSerializer, Immutable, Alias("crm.page`1")]
public sealed record Page<T>(
    [property: Id(0)] IReadOnlyList<T> Items,
    [property: Id(1)] long Total,
    [property: Id(2)] int? Next);
