using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CrmChatbot.TestSupport;
using MongoDB.Bson;
using MongoDB.Driver;
using Xunit.Abstractions;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>
/// SIGTERM to one of two silos under load: readiness turns off, in-flight requests finish, new ones are
/// refused (never half-done), the process exits 0, its membership row ends Dead, and the other silo serves on.
/// </summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    private const int Workers = 16;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    /// <summary>One request of the load: when it ran and how it ended.</summary>
    private sealed record Outcome(DateTime Started, DateTime Ended, string Name, HttpStatusCode? Status, string? Id, string? Failure, bool Refused)
    {
        public bool Acknowledged => Status == HttpStatusCode.Created;

        public override string ToString() => $"{Name}: {(Status is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : Failure)}";
    }

    [Fact]
    public async Task SIGTERM_turns_readiness_off_finishes_in_flight_requests_exits_0_and_leaves_the_cluster()
    {
        var server = await MongoTestServer.SharedAsync();
        var database = MongoTestServer.NewDatabaseName("graceful");
        var clusterId = "stop-" + Guid.NewGuid().ToString("N")[..12];
        var stoppingEnvironment = ClusterTests.ClusterEnvironment(server.ConnectionString, database, clusterId);
        // Two seconds with readiness off before the listener closes, as a load balancer would need.
        stoppingEnvironment["SHUTDOWN_DRAIN_SECONDS"] = "2";
        await using var survivor = SiloProcess.Start(ClusterTests.ClusterEnvironment(server.ConnectionString, database, clusterId));
        await using var stopping = SiloProcess.Start(stoppingEnvironment);
        await Task.WhenAll(survivor.WaitReadyAsync(), stopping.WaitReadyAsync());

        var token = await survivor.LoginAsync(SiloProcess.AdminEmail, SiloProcess.AdminPassword);
        using var survivorHttp = survivor.AuthorizedClient(token);
        using var stoppingHttp = stopping.AuthorizedClient(token);
        using var mongo = new MongoClient(server.ConnectionString);
        var membership = mongo.GetDatabase(database).GetCollection<BsonDocument>("membership");
        var siloPrefix = $"127.0.0.1:{stoppingEnvironment["SILO_PORT"]}@";

        var ready = await ReadinessAsync(stoppingHttp);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.StartsWith($"silo {siloPrefix}", ready.Checks["membership"].Detail, StringComparison.Ordinal);
        Assert.Contains("is active", ready.Checks["membership"].Detail, StringComparison.Ordinal);
        Assert.Equal("active", (await MembershipRowAsync(membership, clusterId, siloPrefix))?["status"].AsString);

        // Load: lead creations on the silo about to stop, until it has exited.
        var outcomes = new ConcurrentBag<Outcome>();
        var load = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            for (var n = 0; ; n++)
            {
                var exited = stopping.HasExited;
                var outcome = await CreateLeadAsync(stoppingHttp, $"Shutdown lead {worker}-{n} {Guid.NewGuid():N}");
                outcomes.Add(outcome);
                if (exited)
                {
                    return;
                }

                if (outcome.Failure is not null)
                {
                    await Task.Delay(50);
                }
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(1));
        var signalSent = DateTime.UtcNow;
        await stopping.SendTerminateAsync();
        var signalDelivered = DateTime.UtcNow;

        // Readiness turns off at once while the silo still answers (the drain).
        var notReady = await WaitForNotReadyAsync(stoppingHttp);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.Status);
        Assert.Equal(("unhealthy", "shutting down"), (notReady.Checks["host"].Status, notReady.Checks["host"].Detail));

        var exitCode = await stopping.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var stoppedAt = DateTime.UtcNow;
        await Task.WhenAll(load);
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{stopping.Output}");
        // Orleans logs a warning when the shutdown timeout cuts its graceful stop short.
        Assert.DoesNotContain("ungraceful", stopping.Output, StringComparison.OrdinalIgnoreCase);

        var all = outcomes.OrderBy(o => o.Started).ToList();
        var acknowledged = all.Where(o => o.Acknowledged).ToList();
        var refused = all.Where(o => !o.Acknowledged).ToList();
        output.WriteLine($"{all.Count} requests: {acknowledged.Count} acknowledged, {refused.Count(o => o.Refused)} connections refused, " +
            $"{refused.Count(o => o.Status == HttpStatusCode.ServiceUnavailable)} 503, {refused.Count(o => o.Failure is not null && !o.Refused)} dropped; " +
            $"exited {(stoppedAt - signalDelivered).TotalSeconds:F1} s after SIGTERM");

        // Every request ended as acknowledged or cleanly refused: no 500, no 4xx, no hang.
        Assert.All(all, o => Assert.True(
            o.Acknowledged || o.Status == HttpStatusCode.ServiceUnavailable || (o.Status is null && o.Failure != "timed out"), o.ToString()));
        // Requests running when SIGTERM arrived were answered.
        Assert.True(acknowledged.Any(o => o.Started < signalSent && o.Ended > signalDelivered),
            $"no acknowledged request spans SIGTERM ({signalSent:O} - {signalDelivered:O}):\n{Around(all, signalSent)}");
        // No separate check at the moment the listener closes: a request sent on a keep-alive connection the
        // server is closing fails at send (never reached the service) and counts as refused above; whether a
        // request happens to be in flight at that instant is up to the scheduler (on 2 cores often none is).
        // The last attempts, after the exit, found nobody listening.
        Assert.True(all.Where(o => o.Started > stoppedAt).All(o => o.Refused), "a request after the exit was not refused");

        // No acknowledged write is lost: each lead reads back through the other silo.
        using (var gate = new SemaphoreSlim(8))
        {
            await Task.WhenAll(acknowledged.Select(async o =>
            {
                await gate.WaitAsync();
                try
                {
                    var lead = JsonDocument.Parse(await survivorHttp.GetStringAsync($"/api/leads/{o.Id}")).RootElement;
                    Assert.Equal(o.Name, lead.GetProperty("name").GetString());
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        // It left the cluster: its row in the membership table says dead (or the row is gone).
        var row = await MembershipRowAsync(membership, clusterId, siloPrefix);
        Assert.True(row is null || row["status"].AsString == "dead", $"membership row after the exit: {row}");

        // The survivor keeps serving, and sees itself as the only active silo.
        Assert.Equal(HttpStatusCode.Created, (await CreateLeadAsync(survivorHttp, "After shutdown")).Status);
        var survivorReady = await WaitForAsync(
            () => ReadinessAsync(survivorHttp), r => r.Checks["membership"].Detail.EndsWith("1 active silo in the cluster", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, survivorReady.Status);

        Assert.Equal(0, await survivor.StopAsync());
    }

    private static async Task<Outcome> CreateLeadAsync(HttpClient http, string name)
    {
        var started = DateTime.UtcNow;
        try
        {
            using var cts = new CancellationTokenSource(RequestTimeout);
            using var response = await http.PostAsJsonAsync("/api/leads", new { name }, cts.Token);
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            var id = response.StatusCode == HttpStatusCode.Created ? JsonDocument.Parse(body).RootElement.GetProperty("id").GetString() : null;
            return new Outcome(started, DateTime.UtcNow, name, response.StatusCode, id, null, false);
        }
        catch (HttpRequestException ex)
        {
            var refused = ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
            return new Outcome(started, DateTime.UtcNow, name, null, null, ex.Message, refused);
        }
        catch (OperationCanceledException)
        {
            return new Outcome(started, DateTime.UtcNow, name, null, null, "timed out", false);
        }
    }

    private sealed record Check(string Status, string Detail);

    private sealed record Readiness(HttpStatusCode Status, IReadOnlyDictionary<string, Check> Checks);

    /// <summary>Readiness with each check's detail: <paramref name="http"/> must carry an admin's token (others see the status only).</summary>
    private static async Task<Readiness> ReadinessAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/health/ready");
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return new Readiness(response.StatusCode, root.GetProperty("checks").EnumerateObject().ToDictionary(
            c => c.Name, c => new Check(c.Value.GetProperty("status").GetString()!, c.Value.GetProperty("detail").GetString() ?? "")));
    }

    /// <summary>The requests that started within a second of <paramref name="moment"/>, for a failure message.</summary>
    private static string Around(IEnumerable<Outcome> outcomes, DateTime moment) =>
        string.Join("\n", outcomes.Where(o => (o.Started - moment).Duration() < TimeSpan.FromSeconds(1) || (o.Started < moment && o.Ended > moment)));

    /// <summary>Polls readiness until it is off; the drain keeps the listener open meanwhile.</summary>
    private static Task<Readiness> WaitForNotReadyAsync(HttpClient http) =>
        WaitForAsync(() => ReadinessAsync(http), r => r.Status != HttpStatusCode.OK);

    private static async Task<Readiness> WaitForAsync(Func<Task<Readiness>> read, Func<Readiness, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var readiness = await read();
            if (condition(readiness) || DateTime.UtcNow > deadline)
            {
                Assert.True(condition(readiness), "readiness: " + string.Join(", ", readiness.Checks.Select(c => $"{c.Key}={c.Value}")));
                return readiness;
            }

            await Task.Delay(50);
        }
    }

    private static async Task<BsonDocument?> MembershipRowAsync(IMongoCollection<BsonDocument> membership, string clusterId, string addressPrefix)
    {
        var doc = await membership.Find(Builders<BsonDocument>.Filter.Eq("_id", clusterId)).SingleAsync();
        return doc["silos"].AsBsonDocument.Select(e => e.Value.AsBsonDocument)
            .Where(row => row["address"].AsString.StartsWith(addressPrefix, StringComparison.Ordinal))
            .OrderByDescending(row => row["start_time"].ToUniversalTime())
            .FirstOrDefault();
    }
}
