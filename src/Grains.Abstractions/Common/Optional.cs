namespace CrmChatbot.Common;

/// <summary>
/// A field of a partial update: absent (keep the stored value) or present with a value, which
/// may be null to clear the field. Plain nullables cannot tell "absent" from "set to null".
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.optional`1")]
public readonly record struct Optional<T>([property: Id(0)] bool HasValue, [property: Id(1)] T? Value)
{
    public static Optional<T> Absent => default;

    public static Optional<T> Of(T? value) => new(true, value);

    public T? Or(T? current) => HasValue ? Value : current;
}
