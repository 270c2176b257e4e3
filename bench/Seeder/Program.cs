using System.Diagnostics;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Sqlite;
using Orleans.Runtime;

// Seeds leads into a STOPPED service's embedded store through the real code: LeadRules.Create builds
// each state exactly as LeadGrain.CreateAsync does (version 1), and SqliteGrainStorage.InsertManyAsync
// stores each row exactly as the grain storage's first write does (same JSON, helper columns, search
// index, element tables, a fresh etag), in transactions of 10,000 instead of one per lead.
// The service's lock file refuses a second process.
// Usage: Seeder <data-dir> <count> <owner-user-id> <ids-file (appended)> [first-index]
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Seeder <data-dir> <count> <owner-user-id> <ids-file> [first-index]");
    return 2;
}

var invariant = System.Globalization.CultureInfo.InvariantCulture;
var dataDir = args[0];
var count = int.Parse(args[1], invariant);
var ownerId = args[2];
var idsFile = args[3];
var firstIndex = args.Length > 4 ? int.Parse(args[4], invariant) : 0;

var clock = Stopwatch.StartNew();
using var store = new SqliteStore(dataDir, SqliteDurability.Normal);
var random = new Random(firstIndex + 17);
var end = DateTime.UtcNow;
var leads = Enumerable.Range(firstIndex, count).Select(n => SeedLeads.Next(n, random, end, ownerId)).ToList();
await new SqliteGrainStorage(store).InsertManyAsync(
    StorageNames.Leads, leads.Select(lead => KeyValuePair.Create(lead.Id, lead.State)), batchSize: 10_000);

await File.AppendAllLinesAsync(idsFile, leads.Select(lead => lead.Id));
Console.WriteLine($"seeded {count} leads in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:F0}/s)");
return 0;

/// <summary>Deterministic, varied leads: 16x16 names, 50 companies (a company word such as "Orbital" is in 2 of them: ~4% of the leads), 4 statuses, 5 sources, created over a year.</summary>
internal static class SeedLeads
{
    private static readonly string[] FirstNames = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Margaret", "Linus", "Frances", "Ken", "Radia", "Dennis", "Hedy", "John", "Karen", "Niklaus"];
    private static readonly string[] LastNames = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Torvalds", "Allen", "Thompson", "Perlman", "Ritchie", "Lamarr", "Backus", "Jones", "Wirth"];
    private static readonly string[] CompanyWords = ["Orbital", "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell",
        "Cyberdyne", "Soylent", "Wonka", "Gringotts", "Aperture", "Black Mesa", "Monarch", "Nakatomi", "Oscorp", "Pied Piper", "Sirius", "Virtucon", "Zorg", "Dunder", "Massive"];

    private static readonly string[] Companies = [.. Enumerable.Range(0, 50).Select(i => $"{CompanyWords[i % CompanyWords.Length]} {(i < CompanyWords.Length ? "Dynamics" : "Holdings")}")];

    // The statuses a new lead can take without extra fields (lost needs a reason; converted is a workflow).
    private static readonly LeadStatus[] Statuses = [LeadStatus.New, LeadStatus.Contacted, LeadStatus.Qualified, LeadStatus.Unqualified];
    private static readonly LeadSource[] Sources = [LeadSource.Website, LeadSource.Referral, LeadSource.Chatbot, LeadSource.Event, LeadSource.Other];

    public static GrainId GrainOf(string id) => GrainId.Create("lead", id);

    public static (string Id, LeadState State) Next(int n, Random random, DateTime end, string ownerId)
    {
        var createdAt = end.AddMinutes(-random.Next(0, 365 * 24 * 60)).AddMilliseconds(-random.Next(0, 60_000));
        createdAt = new DateTime(createdAt.Ticks - (createdAt.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
        var input = new NewLead(
            $"{FirstNames[n % FirstNames.Length]} {LastNames[n / FirstNames.Length % LastNames.Length]} {n}",
            Email: null, Phone: null, Company: Companies[random.Next(Companies.Length)],
            Status: Statuses[random.Next(Statuses.Length)], Source: Sources[random.Next(Sources.Length)],
            Notes: null, OwnerId: ownerId);
        var created = LeadRules.Create(input, createdAt, ownerId);
        var state = created.Value ?? throw new InvalidOperationException($"seed lead {n} refused: {created.Error}");
        state.Version = 1;
        return (Guid.CreateVersion7(createdAt).ToString(), state);
    }
}
