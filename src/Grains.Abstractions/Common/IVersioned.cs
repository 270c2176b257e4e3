namespace CrmChatbot.Common;

/// <summary>An entity representation with a version: the API sends it as the ETag header.</summary>
public interface IVersioned
{
    long Version { get; }
}
