namespace CrmChatbot.Common;

/// <summary>A state property that is never shown in a timeline (secrets, bookkeeping).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TimelineIgnoreAttribute : Attribute;
