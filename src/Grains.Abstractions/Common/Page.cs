namespace CrmChatbot.Common;

/// <summary>One page of a list query. <see cref="Next"/> is the offset of the following page, if any.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, long Total, int? Next);
