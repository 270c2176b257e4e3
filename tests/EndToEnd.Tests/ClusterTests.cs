using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrmChatbot.TestSupport;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>
/// Three real Silo processes forming one Orleans cluster through the MongoDB membership table:
/// kill -9 one of them, and no acknowledged write is lost, every entity stays reachable and single-activation.
/// </summary>
public sealed class ClusterTests
{
    private const int LeadCount = 300;
    private const int MetricCalls = 200;
    private static readonly TimeSpan FailoverDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private sealed record Lead(string Id, string Name);

    private static Dictionary<string, string?> ClusterEnvironment(string mongoUrl, string database, string clusterId)
    {
        var environment = SiloProcess.Environment(Path.Combine(Path.GetTempPath(), "crm-e2e-unused-" + Guid.NewGuid().ToString("N")));
        environment["MONGO_URL"] = mongoUrl;
        environment["DB_NAME"] = database;
        environment["CLUSTERING"] = "mongo";
        environment["CLUSTER_ID"] = clusterId;
        environment["ADVERTISED_IP"] = "127.0.0.1";
        // Fast failure detection, so the test is bounded (the default is 5 s per probe).
        environment["MEMBERSHIP_PROBE_TIMEOUT_SECONDS"] = "1";
        return environment;
    }

    [Fact]
    public async Task Killing_one_of_three_silos_loses_no_acknowledged_write_and_keeps_single_activations()
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

            clients.Add(await SiloProcess.AgentClientAsync(silos[0], create: true));
            clients.Add(await SiloProcess.AgentClientAsync(silos[1], create: false));
            clients.Add(await SiloProcess.AgentClientAsync(silos[2], create: false));

            // 300 leads through the three endpoints in turn, 8 at a time; keep what was acknowledged.
            var leads = new ConcurrentBag<Lead>();
            using (var gate = new SemaphoreSlim(8))
            {
                await Task.WhenAll(Enumerable.Range(0, LeadCount).Select(async i =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        var name = $"Cluster Lead {i:D3} {Guid.NewGuid():N}";
                        using var response = await clients[i % 3].PostAsJsonAsync("/api/leads", new { name, company = "Cluster Co" });
                        var body = await response.Content.ReadAsStringAsync();
                        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating lead {i} gave {(int)response.StatusCode}: {body}");
                        leads.Add(new Lead(JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!, name));
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
            }

            Assert.Equal(LeadCount, leads.Count);

            // kill -9 the third silo: no chance to hand anything over.
            await silos[2].KillAsync();
            var survivors = new[] { silos[0], silos[1] };
            var survivorClients = new[] { clients[0], clients[1] };

            var stopwatch = Stopwatch.StartNew();
            var pending = new ConcurrentDictionary<string, Lead>(leads.ToDictionary(l => l.Id));
            var lastProblem = new ConcurrentDictionary<string, string>();
            while (!pending.IsEmpty && stopwatch.Elapsed < FailoverDeadline)
            {
                using var gate = new SemaphoreSlim(8);
                await Task.WhenAll(pending.Values.ToList().Select(async lead =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        var problem = await CheckLeadAsync(survivorClients, lead);
                        if (problem is null)
                        {
                            pending.TryRemove(lead.Id, out _);
                        }
                        else
                        {
                            lastProblem[lead.Id] = problem;
                        }
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));

                if (!pending.IsEmpty)
                {
                    await Task.Delay(500);
                }
            }

            Assert.True(pending.IsEmpty,
                $"{pending.Count} leads not readable/updatable through the survivors after {stopwatch.Elapsed}: " +
                string.Join("; ", pending.Keys.Take(5).Select(id => id + ": " + lastProblem.GetValueOrDefault(id))));

            // Single activation: 200 concurrent increments through both survivors sum exactly.
            var admin = await survivors[0].LoginAsync(SiloProcess.AdminEmail, SiloProcess.AdminPassword);
            var adminClients = survivors.Select(s =>
            {
                var http = new HttpClient { BaseAddress = s.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
                return http;
            }).ToArray();
            clients.AddRange(adminClients);
            using var createdCampaign = await adminClients[0].PostAsJsonAsync("/api/campaigns", new { name = "Cluster campaign", type = "email" });
            var campaignBody = await createdCampaign.Content.ReadAsStringAsync();
            Assert.True(createdCampaign.StatusCode == HttpStatusCode.Created, campaignBody);
            var campaignId = JsonDocument.Parse(campaignBody).RootElement.GetProperty("id").GetString()!;

            var statuses = await Task.WhenAll(Enumerable.Range(0, MetricCalls).Select(async i =>
            {
                using var response = await adminClients[i % 2].PostAsJsonAsync($"/api/campaigns/{campaignId}/metrics", new { sent = 1 });
                return response.StatusCode;
            }));
            Assert.All(statuses, status => Assert.True(status is HttpStatusCode.OK or HttpStatusCode.NoContent, status.ToString()));
            foreach (var http in adminClients)
            {
                var campaign = JsonDocument.Parse(await http.GetStringAsync($"/api/campaigns/{campaignId}")).RootElement;
                Assert.Equal(MetricCalls, campaign.GetProperty("metrics").GetProperty("sent").GetInt32());
            }

            // A replacement silo joins, becomes ready and serves the data.
            var replacement = SiloProcess.Start(ClusterEnvironment(server.ConnectionString, database, clusterId));
            silos.Add(replacement);
            await replacement.WaitReadyAsync();
            var replacementClient = await SiloProcess.AgentClientAsync(replacement, create: false);
            clients.Add(replacementClient);
            var sample = leads.First();
            var read = JsonDocument.Parse(await replacementClient.GetStringAsync($"/api/leads/{sample.Id}")).RootElement;
            Assert.Equal(sample.Name, read.GetProperty("name").GetString());
            var campaignOnReplacement = await replacementClient.GetStringAsync($"/api/campaigns/{campaignId}");
            Assert.Equal(MetricCalls, JsonDocument.Parse(campaignOnReplacement).RootElement.GetProperty("metrics").GetProperty("sent").GetInt32());

            // Graceful shutdown of everything still running.
            var exitCodes = await Task.WhenAll(new[] { silos[0], silos[1], replacement }.Select(s => s.StopAsync()));
            Assert.All(exitCodes, code => Assert.Equal(0, code));
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

    /// <summary>Null when the lead reads back through both survivors and takes a note; else what went wrong.</summary>
    private static async Task<string?> CheckLeadAsync(HttpClient[] survivors, Lead lead)
    {
        try
        {
            var notes = "after failover";
            foreach (var http in survivors)
            {
                using var cts = new CancellationTokenSource(RequestTimeout);
                using var response = await http.GetAsync($"/api/leads/{lead.Id}", cts.Token);
                var body = await response.Content.ReadAsStringAsync(cts.Token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return $"GET {(int)response.StatusCode}: {body}";
                }

                var name = JsonDocument.Parse(body).RootElement.GetProperty("name").GetString();
                if (name != lead.Name)
                {
                    // A wrong name is a lost or corrupted acknowledged write, not a transient failure.
                    throw new InvalidOperationException($"Lead {lead.Id} has name '{name}', expected '{lead.Name}'");
                }
            }

            using (var cts = new CancellationTokenSource(RequestTimeout))
            {
                using var put = await survivors[0].PutAsJsonAsync($"/api/leads/{lead.Id}", new { notes }, cts.Token);
                if (put.StatusCode != HttpStatusCode.OK)
                {
                    return $"PUT {(int)put.StatusCode}: {await put.Content.ReadAsStringAsync(cts.Token)}";
                }
            }

            using (var cts = new CancellationTokenSource(RequestTimeout))
            {
                using var response = await survivors[1].GetAsync($"/api/leads/{lead.Id}", cts.Token);
                var body = await response.Content.ReadAsStringAsync(cts.Token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return $"GET after PUT {(int)response.StatusCode}: {body}";
                }

                var root = JsonDocument.Parse(body).RootElement;
                Assert.Equal(lead.Name, root.GetProperty("name").GetString());
                Assert.Equal(notes, root.GetProperty("notes").GetString());
            }

            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return ex.GetType().Name + ": " + ex.Message;
        }
    }
}
