using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrmChatbot.TestSupport;
using Xunit.Abstractions;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>
/// Three real Silo processes forming one Orleans cluster through the MongoDB membership table:
/// kill -9 one of them, and no acknowledged write is lost, every entity stays reachable and single-activation.
/// </summary>
public sealed class ClusterTests(ITestOutputHelper output)
{
    private const int EntityCount = 300;
    private const int MetricCalls = 200;
    private static readonly TimeSpan FailoverDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Far enough ahead that every meeting is in the future; one hour apart, so the organizer's calendar never clashes.</summary>
    private static readonly DateTime FirstMeeting = DateTime.UtcNow.Date.AddDays(30).AddHours(8);

    /// <summary>An entity kind as the test drives it: where it lives, its title field and a free-text field to update.</summary>
    private sealed record Kind(string Name, string Path, string TitleField, string NoteField, Func<int, string, object> CreateBody);

    private static readonly Kind[] Kinds =
    [
        new("lead", "/api/leads", "name", "notes", (_, title) => new { name = title, company = "Cluster Co" }),
        new("ticket", "/api/tickets", "subject", "description", (_, title) => new { subject = title, priority = "high" }),
        new("meeting", "/api/meetings", "title", "notes", (i, title) => new
        {
            title,
            date = FirstMeeting.AddHours(i).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            duration_minutes = 30,
        }),
        new("campaign", "/api/campaigns", "name", "description", (_, title) => new { name = title, type = "email" }),
    ];

    /// <summary>What the cluster acknowledged for one entity: its title, version and note.</summary>
    private sealed class Entity(Kind kind, string id, string title, long version)
    {
        public Kind Kind { get; } = kind;
        public string Id { get; } = id;
        public string Title { get; } = title;
        public long Version { get; private set; } = version;
        public string? Note { get; private set; }

        /// <summary>Writes on top of <see cref="Version"/> whose answer never came (timeout, 503): at most one of them may have happened.</summary>
        public List<(long Version, string Note)> Unconfirmed { get; } = [];

        public void Acknowledge(long version, string? note)
        {
            Version = version;
            Note = note;
            Unconfirmed.Clear();
        }

        public string Url => $"{Kind.Path}/{Id}";

        public override string ToString() => $"{Kind.Name} {Id}";
    }

    internal static Dictionary<string, string?> ClusterEnvironment(string mongoUrl, string database, string clusterId)
    {
        var environment = SiloProcess.MongoEnvironment(mongoUrl, database);
        environment["CLUSTERING"] = "mongo";
        environment["CLUSTER_ID"] = clusterId;
        environment["ADVERTISED_IP"] = "127.0.0.1";
        // Fast failure detection, so the test is bounded (the default is 5 s per probe).
        environment["MEMBERSHIP_PROBE_TIMEOUT_SECONDS"] = "1";
        return environment;
    }

    [Fact]
    public async Task Killing_one_of_three_silos_loses_no_acknowledged_write_of_any_kind_and_keeps_single_activations()
    {
        var server = await MongoTestServer.SharedAsync();
        var database = MongoTestServer.NewDatabaseName("cluster");
        var clusterId = "e2e-" + Guid.NewGuid().ToString("N")[..12];
        var silos = new List<SiloProcess>();
        var clients = new List<HttpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                silos.Add(SiloProcess.Start(ClusterEnvironment(server.ConnectionString, database, clusterId)));
            }

            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync()));
            var clock = Stopwatch.StartNew();
            output.WriteLine($"3 silos ready");

            // Admins manage every kind (campaigns are admin-only); one token works on every silo (same signing key).
            var token = await silos[0].LoginAsync(SiloProcess.AdminEmail, SiloProcess.AdminPassword);
            clients.AddRange(silos.Select(s => s.AuthorizedClient(token)));

            // The operations view sees the three members from any silo.
            var view = await ClusterViewAsync(clients[1], v => v.GetProperty("active_silos").GetInt32() == 3);
            Assert.Equal(3, view.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "active"));
            Assert.Single(view.GetProperty("silos").EnumerateArray(), s => s.GetProperty("handled_this_request").GetBoolean());

            // 300 entities, the four kinds in turn, through the three endpoints in turn, 8 at a time; keep what was acknowledged.
            var created = new ConcurrentBag<Entity>();
            await ForEachAsync(Enumerable.Range(0, EntityCount), async i =>
            {
                var kind = Kinds[i % Kinds.Length];
                var title = $"Cluster {kind.Name} {i:D3} {Guid.NewGuid():N}";
                using var response = await clients[i % 3].PostAsJsonAsync(kind.Path, kind.CreateBody(i, title));
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating {kind.Name} {i} gave {(int)response.StatusCode}: {body}");
                var root = JsonDocument.Parse(body).RootElement;
                Assert.Equal(title, root.GetProperty(kind.TitleField).GetString());
                created.Add(new Entity(kind, root.GetProperty("id").GetString()!, title, root.GetProperty("version").GetInt64()));
            });

            var entities = created.ToList();
            Assert.Equal(EntityCount, entities.Count);
            Assert.All(Kinds, kind => Assert.Equal(EntityCount / Kinds.Length, entities.Count(e => e.Kind == kind)));

            output.WriteLine($"{EntityCount} entities created in {clock.Elapsed}");

            // Single activation across all three silos: 200 concurrent increments on one campaign, through
            // the three endpoints in turn, sum exactly as seen from every silo.
            using (var metricsCampaign = await clients[0].PostAsJsonAsync("/api/campaigns", new { name = "Cluster metrics " + Guid.NewGuid().ToString("N"), type = "email" }))
            {
                Assert.Equal(HttpStatusCode.Created, metricsCampaign.StatusCode);
                var sharedCampaign = JsonDocument.Parse(await metricsCampaign.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
                await AssertConcurrentIncrementsSumAsync([.. clients], sharedCampaign);
            }

            // kill -9 the third silo: no chance to hand anything over.
            await silos[2].KillAsync();
            var survivors = new[] { silos[0], silos[1] };
            var survivorClients = new[] { clients[0], clients[1] };

            // Every entity of every kind: read through both survivors with its acknowledged state, updated
            // with If-Match on that version, and the update read back through the other survivor.
            var stopwatch = Stopwatch.StartNew();
            var pending = new ConcurrentDictionary<string, Entity>(entities.ToDictionary(e => e.Id));
            var lastProblem = new ConcurrentDictionary<string, string>();
            var round = 0;
            while (!pending.IsEmpty && stopwatch.Elapsed < FailoverDeadline)
            {
                round++;
                await ForEachAsync(pending.Values.ToList(), async entity =>
                {
                    var problem = await CheckEntityAsync(survivorClients, entity, round);
                    if (problem is null)
                    {
                        pending.TryRemove(entity.Id, out _);
                    }
                    else
                    {
                        lastProblem[entity.Id] = problem;
                    }
                });

                if (!pending.IsEmpty)
                {
                    await Task.Delay(500);
                }
            }

            output.WriteLine($"failover checks done in {stopwatch.Elapsed} ({round} rounds)");
            Assert.True(pending.IsEmpty,
                $"{pending.Count} entities not readable/updatable through the survivors after {stopwatch.Elapsed}: " +
                string.Join("; ", pending.Values.Take(5).Select(e => e + ": " + lastProblem.GetValueOrDefault(e.Id))));
            Assert.All(entities, e => Assert.StartsWith("after failover", e.Note, StringComparison.Ordinal));

            // Single activation: 200 concurrent increments through both survivors sum exactly.
            // (Not the campaign the replacement checks below: every increment is a new version.)
            var campaignId = entities.Last(e => e.Kind.Name == "campaign").Id;
            await AssertConcurrentIncrementsSumAsync(survivorClients, campaignId);

            output.WriteLine($"metrics done at {clock.Elapsed}");

            // A replacement silo joins, becomes ready and serves the data of every kind.
            var replacement = SiloProcess.Start(ClusterEnvironment(server.ConnectionString, database, clusterId));
            silos.Add(replacement);
            await replacement.WaitReadyAsync();
            var replacementClient = replacement.AuthorizedClient(token);
            clients.Add(replacementClient);
            foreach (var sample in Kinds.Select(kind => entities.First(e => e.Kind == kind)))
            {
                var read = JsonDocument.Parse(await replacementClient.GetStringAsync(sample.Url)).RootElement;
                Assert.Equal(sample.Title, read.GetProperty(sample.Kind.TitleField).GetString());
                Assert.Equal(sample.Version, read.GetProperty("version").GetInt64());
                Assert.Equal(sample.Note, read.GetProperty(sample.Kind.NoteField).GetString());
            }

            var campaignOnReplacement = await replacementClient.GetStringAsync($"/api/campaigns/{campaignId}");
            Assert.Equal(MetricCalls, JsonDocument.Parse(campaignOnReplacement).RootElement.GetProperty("metrics").GetProperty("sent").GetInt32());

            // The operations view, from the newcomer: three active members again, the killed silo dead and without counts.
            var after = await ClusterViewAsync(replacementClient, v => v.GetProperty("active_silos").GetInt32() == 3
                && v.GetProperty("silos").EnumerateArray().Any(s => s.GetProperty("status").GetString() == "dead"));
            var dead = after.GetProperty("silos").EnumerateArray().Single(s => s.GetProperty("status").GetString() == "dead");
            Assert.Equal(JsonValueKind.Null, dead.GetProperty("activation_count").ValueKind);
            Assert.True(after.GetProperty("total_activations").GetInt64() > 0, after.ToString());

            // Graceful shutdown of everything still running.
            var exitCodes = await Task.WhenAll(new[] { silos[0], silos[1], replacement }.Select(s => s.StopAsync()));
            Assert.All(exitCodes, code => Assert.Equal(0, code));
            Assert.All(silos.Where(s => s != silos[2]), s => Assert.DoesNotContain("ungraceful", s.Output, StringComparison.OrdinalIgnoreCase));
            output.WriteLine($"all stopped at {clock.Elapsed}");
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> action)
    {
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(items.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                await action(item);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>
    /// Null when the entity reads back through both survivors with its acknowledged state, takes a new note
    /// (If-Match: its version) and shows it through the other survivor; else what went wrong, to retry.
    /// A state that no acknowledged (or unconfirmed) write explains is a lost write: it fails the test at once.
    /// </summary>
    private static async Task<string?> CheckEntityAsync(HttpClient[] survivors, Entity entity, int round)
    {
        try
        {
            foreach (var http in survivors)
            {
                var (status, root, body) = await GetAsync(http, entity.Url);
                if (status != HttpStatusCode.OK)
                {
                    return $"GET {(int)status}: {body}";
                }

                AssertAcknowledged(entity, root);
            }

            // Alternate the writing survivor, and read back through the other one.
            var writer = survivors[(entity.Id.GetHashCode(StringComparison.Ordinal) & 1) ^ (round & 1)];
            var reader = survivors[0] == writer ? survivors[1] : survivors[0];
            var note = $"after failover, round {round}";
            // Until its answer arrives, this write may or may not happen: a read may show it.
            entity.Unconfirmed.Add((entity.Version + 1, note));
            using (var cts = new CancellationTokenSource(RequestTimeout))
            {
                using var put = new HttpRequestMessage(HttpMethod.Put, entity.Url)
                {
                    Content = JsonContent.Create(new Dictionary<string, string> { [entity.Kind.NoteField] = note }),
                };
                put.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{entity.Version}\""));
                using var response = await writer.SendAsync(put, cts.Token);
                var body = await response.Content.ReadAsStringAsync(cts.Token);
                AssertNoServerFault(response, body);
                if (response.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    // Only an earlier write whose answer was lost can have moved the version; the next read adopts it.
                    Assert.True(entity.Unconfirmed.Count > 1, $"{entity}: PUT with If-Match {entity.Version}, the acknowledged version, gave 412: {body}");
                    return $"PUT 412 after an unconfirmed write: {body}";
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return $"PUT {(int)response.StatusCode}: {body}";
                }

                var written = JsonDocument.Parse(body).RootElement;
                Assert.Equal(entity.Version + 1, written.GetProperty("version").GetInt64());
                Assert.Equal(note, written.GetProperty(entity.Kind.NoteField).GetString());
                entity.Acknowledge(entity.Version + 1, note);
            }

            var (readStatus, readRoot, readBody) = await GetAsync(reader, entity.Url);
            if (readStatus != HttpStatusCode.OK)
            {
                return $"GET after PUT {(int)readStatus}: {readBody}";
            }

            AssertAcknowledged(entity, readRoot);
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return ex.GetType().Name + ": " + ex.Message;
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Root, string Body)> GetAsync(HttpClient http, string url)
    {
        using var cts = new CancellationTokenSource(RequestTimeout);
        using var response = await http.GetAsync(url, cts.Token);
        var body = await response.Content.ReadAsStringAsync(cts.Token);
        AssertNoServerFault(response, body);
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? JsonDocument.Parse(body).RootElement : default, body);
    }

    /// <summary>
    /// Sends <see cref="MetricCalls"/> concurrent increments of one campaign through the given silos in turn;
    /// every one succeeds and each silo reads exactly that sum (one activation, no lost update).
    /// </summary>
    internal static async Task AssertConcurrentIncrementsSumAsync(HttpClient[] through, string campaignId)
    {
        var statuses = await Task.WhenAll(Enumerable.Range(0, MetricCalls).Select(async i =>
        {
            using var response = await through[i % through.Length].PostAsJsonAsync($"/api/campaigns/{campaignId}/metrics", new { sent = 1 });
            return response.StatusCode;
        }));
        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.OK or HttpStatusCode.NoContent, status.ToString()));
        foreach (var http in through)
        {
            var campaign = JsonDocument.Parse(await http.GetStringAsync($"/api/campaigns/{campaignId}")).RootElement;
            Assert.Equal(MetricCalls, campaign.GetProperty("metrics").GetProperty("sent").GetInt32());
        }
    }

    /// <summary>Polls <c>GET /api/admin/cluster</c> until the view matches (membership news takes a moment to spread).</summary>
    internal static async Task<JsonElement> ClusterViewAsync(HttpClient admin, Func<JsonElement, bool> match)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            using var response = await admin.GetAsync("/api/admin/cluster");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/admin/cluster gave {(int)response.StatusCode}: {body}");
            var view = JsonDocument.Parse(body).RootElement;
            if (match(view))
            {
                return view;
            }

            Assert.True(stopwatch.Elapsed < FailoverDeadline, $"The cluster view never matched: {body}");
            await Task.Delay(500);
        }
    }

    /// <summary>Losing a node is a retryable 503 with Retry-After while the cluster recovers, never a 500.</summary>
    internal static void AssertNoServerFault(HttpResponseMessage response, string body)
    {
        Assert.True(response.StatusCode != HttpStatusCode.InternalServerError, $"500 during failover: {body}");
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            Assert.True(response.Headers.RetryAfter is not null, $"503 without Retry-After: {body}");
        }
    }

    /// <summary>The read state is the last acknowledged one, or the unconfirmed write after it (then adopted).</summary>
    private static void AssertAcknowledged(Entity entity, JsonElement root)
    {
        Assert.True(entity.Title == root.GetProperty(entity.Kind.TitleField).GetString(), $"{entity} lost its {entity.Kind.TitleField}: {root}");
        var version = root.GetProperty("version").GetInt64();
        var note = root.GetProperty(entity.Kind.NoteField).GetString();
        if (version == entity.Version && note == entity.Note)
        {
            return;
        }

        if (entity.Unconfirmed.Contains((version, note!)))
        {
            entity.Acknowledge(version, note);
            return;
        }

        Assert.Fail($"{entity}: acknowledged version {entity.Version} with note '{entity.Note}', but read version {version} with '{note}': {root}");
    }
}
