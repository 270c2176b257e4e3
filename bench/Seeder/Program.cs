using System.Diagnostics;
using System.Reflection;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage;
using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Storage.Queries;
using LiteDB;
using Orleans.Runtime;

// Seeds leads into a STOPPED service's embedded store through the real code: LeadRules.Create builds
// each state exactly as LeadGrain.CreateAsync does (version 1), and the document is the one the
// LiteDB grain storage writes (its mapper, its helper fields, a fresh etag). Writing each lead
// through LiteDbGrainStorage commits per document (~2k/s here: 300k leads would take minutes), so
// documents are built with the storage's own mapper and helper-field code and bulk-inserted in
// transactions of 10,000. A self-check first writes one lead through LiteDbGrainStorage into an
// in-memory store and requires the same document; if the storage internals changed, it falls back
// to writing every lead through LiteDbGrainStorage. The service's lock file refuses a second process.
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
using var store = new LiteDbStore(dataDir);
var random = new Random(firstIndex + 17);
var end = DateTime.UtcNow;
var leads = Enumerable.Range(firstIndex, count).Select(n => SeedLeads.Next(n, random, end, ownerId)).ToList();

var builder = await DocumentBuilder.CreateCheckedAsync(store.Mapper, leads[0]);
if (builder is null)
{
    Console.WriteLine("seeder: storage internals changed, writing each lead through LiteDbGrainStorage (slow)");
    var storage = new LiteDbGrainStorage(store);
    foreach (var (id, state) in leads)
    {
        await storage.WriteStateAsync(StorageNames.Leads, SeedLeads.GrainOf(id), new SeedState<LeadState>(state));
    }
}
else
{
    var collection = store.Database.GetCollection(StorageNames.Leads);
    foreach (var batch in leads.Chunk(10_000))
    {
        collection.InsertBulk(batch.Select(lead => builder.Build(lead.Id, lead.State)), 10_000);
    }
}

await File.AppendAllLinesAsync(idsFile, leads.Select(lead => lead.Id));
Console.WriteLine($"seeded {count} leads in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:F0}/s)");
return 0;

/// <summary>Deterministic, varied leads: 16x16 names, 50 companies (a company word matches ~2%), 4 statuses, 5 sources, created over a year.</summary>
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

/// <summary>Builds lead documents the way LiteDbGrainStorage's first write does, with the storage's own helper-field code.</summary>
internal sealed class DocumentBuilder(BsonMapper mapper, CollectionSchema schema, MethodInfo helperFields)
{
    public static async Task<DocumentBuilder?> CreateCheckedAsync(BsonMapper mapper, (string Id, LeadState State) sample)
    {
        var helpers = typeof(LiteDbStore).Assembly.GetType("CrmChatbot.Storage.LiteDb.LiteDbDocuments")
            ?.GetMethod("HelperFields", BindingFlags.Public | BindingFlags.Static, [typeof(CollectionSchema), typeof(object)]);
        if (helpers is null)
        {
            return null;
        }

        var builder = new DocumentBuilder(mapper, CollectionSchemas.For(StorageNames.Leads, typeof(LeadState)), helpers);
        using var reference = LiteDbStore.CreateInMemory();
        await new LiteDbGrainStorage(reference).WriteStateAsync(
            StorageNames.Leads, SeedLeads.GrainOf(sample.Id), new SeedState<LeadState>(sample.State));
        var written = reference.Database.GetCollection(StorageNames.Leads).FindById(sample.Id);
        var built = builder.Build(sample.Id, sample.State);
        built[DocumentFields.ETag] = written[DocumentFields.ETag];
        return JsonSerializer.Serialize(built) == JsonSerializer.Serialize(written) ? builder : null;
    }

    public BsonDocument Build(string id, LeadState state)
    {
        var doc = new BsonDocument
        {
            [DocumentFields.Id] = id,
            [DocumentFields.ETag] = ETags.New(),
            [DocumentFields.State] = mapper.Serialize(typeof(LeadState), state),
        };
        foreach (var (name, value) in (IEnumerable<KeyValuePair<string, BsonValue>>)helperFields.Invoke(null, [schema, state])!)
        {
            doc[name] = value;
        }

        return doc;
    }
}

internal sealed class SeedState<T>(T state) : IGrainState<T>
    where T : class
{
    [System.Diagnostics.CodeAnalysis.AllowNull]
    public T State { get; set; } = state;

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}
