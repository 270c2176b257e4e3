namespace CrmChatbot.Common;

/// <summary>A sort key and direction, parsed from <c>sort=name</c> or <c>sort=-created_at</c>.</summary>
public readonly record struct SortOrder<TField>(TField Field, bool Descending)
    where TField : struct, Enum;
