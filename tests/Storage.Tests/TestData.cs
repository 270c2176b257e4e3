using CrmChatbot.Leads;
using CrmChatbot.Users;

namespace CrmChatbot.Storage.Tests;

/// <summary>A state exercising types the CRM states do not use yet.</summary>
public sealed class ProbeState
{
    /// <summary>Must be stored as a plain field, not taken as the document id.</summary>
    public string? Id { get; set; }

    public string? Text { get; set; }

    /// <summary>A nullable with a non-null default: a stored null must read back as null.</summary>
    public string? Defaulted { get; set; } = "default";

    public decimal Amount { get; set; }

    public DateTime At { get; set; }

    public DateTime? MaybeAt { get; set; }

    public LeadStatus Status { get; set; }

    public List<string> Tags { get; set; } = [];
}

public static class Samples
{
    public static readonly DateTime T0 = new(2024, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc);

    public static LeadState Lead(string name = "Ada Lovelace") => new()
    {
        Name = name,
        Email = "ada@example.com",
        Phone = "+44 20 7946 0000",
        Company = "Analytical Engines",
        Status = LeadStatus.Qualified,
        Source = LeadSource.Referral,
        Notes = "Met at the conference",
        OwnerId = "owner-1",
        CreatedAt = T0,
        UpdatedAt = T0.AddMinutes(5),
    };

    public static UserState User(string userId, string email, string name, UserRole role, bool isActive, DateTime createdAt) => new()
    {
        UserId = userId,
        Email = email,
        Name = name,
        Role = role,
        PasswordHash = "$2a$11$hash-of-" + userId,
        IsActive = isActive,
        CreatedAt = createdAt,
        UpdatedAt = createdAt.AddHours(1),
    };

    public static void AssertSameLead(LeadState expected, LeadState actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Email, actual.Email);
        Assert.Equal(expected.Phone, actual.Phone);
        Assert.Equal(expected.Company, actual.Company);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.Notes, actual.Notes);
        Assert.Equal(expected.OwnerId, actual.OwnerId);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, actual.CreatedAt.Kind);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
        Assert.Equal(DateTimeKind.Utc, actual.UpdatedAt.Kind);
    }
}

public sealed class UnregisteredEnumState
{
    // Not a CrmChatbot enum: stores refuse it.
    public DayOfWeek Stage { get; set; }
}

/// <summary>A fresh directory under the temp path, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "crm-storage-tests-" + Guid.NewGuid().ToString("N"));
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
