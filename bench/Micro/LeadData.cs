using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Sqlite;

namespace CrmChatbot.Benchmarks.Micro;

/// <summary>Deterministic lead states and the seeded 100,000-lead SQLite file the list benchmarks read.</summary>
public static class LeadData
{
    public const int SeededLeads = 100_000;

    /// <summary>A needle that one lead in ~8 matches (a company name part): a page fills early in the walk.</summary>
    public const string CommonNeedle = "acme";

    /// <summary>A needle that exactly one lead matches (an e-mail address part): the search reads every lead.</summary>
    public const string RareNeedle = "lead-077777@";

    private static readonly string[] FirstNames = ["Ada", "Grace", "Alan", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "Edsger"];
    private static readonly string[] LastNames = ["Lovelace", "Hopper", "Turing", "Torvalds", "Liskov", "Thompson", "Hamilton", "Ritchie", "Allen", "Dijkstra"];
    private static readonly string[] Companies = ["Acme Corp", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises", "Soylent"];
    private static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The i-th lead: statuses evenly spread (so ~1 in 6 is new), created over a year, 20 owners.</summary>
    public static LeadState Lead(int i)
    {
        var random = new Random(i);
        var created = Start.AddMilliseconds(random.NextInt64(365L * 24 * 3600 * 1000));
        var first = FirstNames[random.Next(FirstNames.Length)];
        var last = LastNames[random.Next(LastNames.Length)];
        return new LeadState
        {
            Name = $"{first} {last}",
            Email = $"lead-{i:D6}@example.com",
            Phone = $"+1555{i:D7}",
            Company = Companies[random.Next(Companies.Length)],
            Status = (LeadStatus)(i % 6),
            Source = (LeadSource)random.Next(6),
            Notes = "Met at the spring fair; interested in the annual plan. Call back after the budget review.",
            OwnerId = $"user-{random.Next(20):D2}",
            CreatedAt = created,
            UpdatedAt = created,
            Version = 1,
            Score = random.Next(101),
        };
    }

    /// <summary>
    /// The seeded file's directory (<c>bench/Micro/.data/leads-100k</c> unless MICRO_BENCH_DATA_DIR is set),
    /// created on first use. Later runs reuse it; the benchmarks only read it.
    /// </summary>
    public static string SeededDirectory()
    {
        var dir = Environment.GetEnvironmentVariable("MICRO_BENCH_DATA_DIR") is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".data", "leads-100k");
        dir = Path.GetFullPath(dir);
        var complete = Path.Combine(dir, "seeded");
        if (File.Exists(complete))
        {
            return dir;
        }

        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true); // a seed that did not finish
        }

        using (var store = new SqliteStore(dir))
        {
            new SqliteGrainStorage(store).InsertManyAsync(
                StorageNames.Leads,
                Enumerable.Range(0, SeededLeads).Select(i => KeyValuePair.Create($"lead-{i:D6}", Lead(i)))).GetAwaiter().GetResult();
        }

        File.WriteAllText(complete, $"{SeededLeads} leads\n");
        return dir;
    }
}
