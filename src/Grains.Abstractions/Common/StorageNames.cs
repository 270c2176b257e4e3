namespace CrmChatbot.Common;

/// <summary>Names shared by grains, storage providers and query services.</summary>
public static class StorageNames
{
    /// <summary>The grain storage provider every CRM grain persists through.</summary>
    public const string Crm = "crm";

    /// <summary>State names double as collection names: one collection per entity kind.</summary>
    public const string Leads = "leads";

    public const string Users = "users";
}
