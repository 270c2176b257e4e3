using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmChatbot.TestSupport;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>
/// Issue 16: webhook events come from the store, not from memory. Writes acknowledged by the real process,
/// then <c>kill -9</c>: after a restart the subscriber receives the event of every stored change, in order per
/// entity, and an event delivered twice keeps its id.
/// </summary>
public sealed class WebhookCrashTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "crm-e2e-webhooks-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Theory]
    [InlineData(ReceiverMode.Up)]
    [InlineData(ReceiverMode.Unavailable)]
    public Task Every_change_acknowledged_before_kill_9_reaches_the_subscriber_after_the_restart(ReceiverMode before) =>
        CrashAndRestartAsync(before, SiloProcess.Environment(_dataDir));

    [Fact]
    public async Task On_MongoDB_every_change_acknowledged_before_kill_9_reaches_the_subscriber_after_the_restart()
    {
        var server = await MongoTestServer.SharedAsync();
        await CrashAndRestartAsync(ReceiverMode.Up, SiloProcess.MongoEnvironment(server.ConnectionString, MongoTestServer.NewDatabaseName("e2e-webhooks")));
    }

    private static async Task CrashAndRestartAsync(ReceiverMode before, Dictionary<string, string?> environment)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Mode = before;
        environment["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "true";
        environment["WEBHOOK_RETRY_BASE_MS"] = "50";
        var acknowledged = new ConcurrentBag<string>();
        string secret;
        await using (var first = SiloProcess.Start(environment))
        {
            await first.WaitReadyAsync();
            using var admin = first.AuthorizedClient(await first.LoginAsync(SiloProcess.AdminEmail, SiloProcess.AdminPassword));
            var created = await admin.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = new[] { "lead.*" } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString()!;

            // Four writers, each creating leads and changing them twice; every answer is an acknowledged change.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < 5; i++)
                {
                    var lead = await admin.PostAsJsonAsync("/api/leads", new { name = $"Crash lead {w}-{i}" });
                    Assert.Equal(HttpStatusCode.Created, lead.StatusCode);
                    var id = JsonDocument.Parse(await lead.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
                    Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/leads/{id}", new { notes = "one" })).StatusCode);
                    Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/leads/{id}", new { notes = "two" })).StatusCode);
                    acknowledged.Add(id);
                }
            })));
            await first.KillAsync(); // right after the last acknowledgement: events may be in the outbox, queued or in flight
        }

        receiver.Mode = ReceiverMode.Up;
        await using var second = SiloProcess.Start(environment);
        await second.WaitReadyAsync();
        using var admin2 = second.AuthorizedClient(await second.LoginAsync(SiloProcess.AdminEmail, SiloProcess.AdminPassword));
        var expected = new Dictionary<string, List<string>>();
        foreach (var lead in acknowledged)
        {
            var timeline = JsonDocument.Parse(await admin2.GetStringAsync($"/api/leads/{lead}/timeline?limit=50")).RootElement;
            expected[lead] = [.. timeline.GetProperty("items").EnumerateArray().Reverse().Select(e => e.GetProperty("id").GetString()!)];
            Assert.Equal(3, expected[lead].Count);
        }

        await receiver.WaitForDeliveredAsync(expected.Values.SelectMany(ids => ids), TimeSpan.FromSeconds(120));

        foreach (var (lead, ids) in expected)
        {
            var arrived = receiver.Delivered.Where(r => r.EntityId == lead).ToList();
            Assert.Equal(ids, arrived.Select(r => r.Id).Distinct().ToList());
            Assert.All(arrived.GroupBy(r => r.Version), sameVersion => Assert.Single(sameVersion.Select(r => r.Id).Distinct()));
            Assert.All(arrived, r => Assert.True(WebhookReceiver.Verify(secret, r.Id, r.Timestamp, r.Body, r.Signature)));
        }
    }
}
