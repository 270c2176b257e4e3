using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmChatbot.TestSupport;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>
/// The embedded SQLite store under concurrent writes in the real process: every acknowledged write survives
/// <c>kill -9</c> with its acknowledged value, state and timeline agree, and backups taken under load restore
/// every write acknowledged before them.
/// </summary>
public sealed class SqliteDurabilityTests : IDisposable
{
    private const int Writers = 16;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "crm-e2e-sqlite-" + Guid.NewGuid().ToString("N"));
    private readonly string _restoreDir = Path.Combine(Path.GetTempPath(), "crm-e2e-restore-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        foreach (var dir in new[] { _dataDir, _restoreDir })
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>What the writers got acknowledged: each writer's lead (last version and notes), created leads, chat turns.</summary>
    private sealed class Acknowledged
    {
        public ConcurrentDictionary<string, (long Version, string Notes)> Patched { get; } = new();
        public ConcurrentBag<string> Created { get; } = [];
        public ConcurrentDictionary<string, (string Token, int Turns, string LastText)> Chats { get; } = new();

        public Acknowledged Snapshot()
        {
            var copy = new Acknowledged();
            foreach (var (id, value) in Patched)
            {
                copy.Patched[id] = value;
            }

            foreach (var id in Created)
            {
                copy.Created.Add(id);
            }

            foreach (var (id, value) in Chats)
            {
                copy.Chats[id] = value;
            }

            return copy;
        }
    }

    [Fact]
    public async Task Sixteen_writers_then_kill_9_every_acknowledged_write_is_there_and_state_and_timeline_agree()
    {
        var environment = SiloProcess.Environment(_dataDir);
        var acknowledged = new Acknowledged();
        await using (var first = SiloProcess.Start(environment))
        {
            await first.WaitReadyAsync();
            var http = await SiloProcess.AgentClientAsync(first);
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(first, http, w, acknowledged, stop.Token))).ToList();
            await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(10)), Task.WhenAll(writers));
            await first.KillAsync(); // while the writers' last requests are in flight
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        Assert.True(acknowledged.Patched.Values.Sum(p => p.Version) > Writers * 2, "the writers got too few writes acknowledged to test anything");
        await using var second = SiloProcess.Start(environment);
        await second.WaitReadyAsync();
        await VerifyAsync(second, acknowledged, versionsAhead: 1);
    }

    [Fact]
    public async Task Backups_taken_under_write_load_restore_every_write_acknowledged_before_them()
    {
        var environment = SiloProcess.Environment(_dataDir);
        var acknowledged = new Acknowledged();
        var cliBackup = Path.Combine(_dataDir, "cli-backup.db");
        Acknowledged beforeApi, beforeCli;
        string apiBackup;
        await using (var service = SiloProcess.Start(environment))
        {
            await service.WaitReadyAsync();
            var http = await SiloProcess.AgentClientAsync(service);
            var admin = service.AuthorizedClient(await service.LoginAsync(SiloProcess.AdminEmail, SiloProcess.AdminPassword));
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers / 2).Select(w => Task.Run(() => WriteAsync(service, http, w, acknowledged, stop.Token))).ToList();
            await Task.Delay(TimeSpan.FromSeconds(3));

            beforeApi = acknowledged.Snapshot();
            var response = await admin.PostAsync("/api/admin/backup", null);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            apiBackup = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("path").GetString()!;
            Assert.StartsWith(Path.Combine(_dataDir, "backups"), apiBackup, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync("/api/admin/backup", null)).StatusCode); // admins only

            await Task.Delay(TimeSpan.FromSeconds(1));
            beforeCli = acknowledged.Snapshot();
            await using (var cli = SiloProcess.Start(environment, "backup", cliBackup))
            {
                Assert.Equal(0, await cli.WaitForExitAsync(TimeSpan.FromSeconds(120)));
            }

            await stop.CancelAsync();
            await Task.WhenAll(writers);
            Assert.Equal(0, await service.StopAsync());
        }

        foreach (var (backup, before) in new[] { (apiBackup, beforeApi), (cliBackup, beforeCli) })
        {
            if (Directory.Exists(_restoreDir))
            {
                Directory.Delete(_restoreDir, recursive: true);
            }

            Directory.CreateDirectory(_restoreDir);
            File.Copy(backup, Path.Combine(_restoreDir, "crm.db"));
            await using var restored = SiloProcess.Start(SiloProcess.Environment(_restoreDir));
            await restored.WaitReadyAsync();
            await VerifyAsync(restored, before, versionsAhead: long.MaxValue - 1_000_000); // writes after the snapshot may be in the backup
            Assert.Equal(0, await restored.StopAsync());
        }
    }

    [Fact]
    public async Task A_data_dir_holding_an_old_LiteDB_file_stops_start_up_with_one_line_and_is_left_unchanged()
    {
        Directory.CreateDirectory(_dataDir);
        var file = Path.Combine(_dataDir, "crm.db");
        var bytes = new byte[16384];
        System.Text.Encoding.ASCII.GetBytes("\0** This is a LiteDB file **").CopyTo(bytes, 0);
        await File.WriteAllBytesAsync(file, bytes);

        await using var silo = SiloProcess.Start(SiloProcess.Environment(_dataDir));
        var exit = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        var error = Assert.Single(silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: DATA_DIR", error, StringComparison.Ordinal);
        Assert.Contains("not a SQLite database", error, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(file));
        Assert.Equal(["crm.db", "crm.db.lock"], Directory.GetFiles(_dataDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    /// <summary>One writer: creates its lead and its chat session, then PATCHes, POSTs and chats in turn until stopped.</summary>
    private static async Task WriteAsync(SiloProcess silo, HttpClient http, int writer, Acknowledged acknowledged, CancellationToken stop)
    {
        try
        {
            var created = await http.PostAsJsonAsync("/api/leads", new { name = $"Writer {writer}" }, stop);
            var leadId = JsonDocument.Parse(await created.Content.ReadAsStringAsync(stop)).RootElement.GetProperty("id").GetString()!;
            acknowledged.Patched[leadId] = (1, "");
            using var visitor = new HttpClient { BaseAddress = silo.BaseAddress };
            var session = JsonDocument.Parse(await (await visitor.PostAsJsonAsync("/api/chat/sessions", new { }, stop)).Content.ReadAsStringAsync(stop)).RootElement;
            var sessionId = session.GetProperty("id").GetString()!;
            var token = session.GetProperty("session_token").GetString()!;
            visitor.DefaultRequestHeaders.Add("X-Chat-Token", token);
            acknowledged.Chats[sessionId] = (token, 0, "");

            for (var n = 1; !stop.IsCancellationRequested; n++)
            {
                switch (n % 3)
                {
                    case 0:
                        var notes = $"w{writer}-n{n}";
                        var patched = await http.PatchAsJsonAsync($"/api/leads/{leadId}", new { notes }, stop);
                        if (patched.StatusCode == HttpStatusCode.OK)
                        {
                            var version = JsonDocument.Parse(await patched.Content.ReadAsStringAsync(stop)).RootElement.GetProperty("version").GetInt64();
                            acknowledged.Patched[leadId] = (version, notes);
                        }

                        break;
                    case 1:
                        var post = await http.PostAsJsonAsync("/api/leads", new { name = $"Durable {writer}-{n}" }, stop);
                        if (post.StatusCode == HttpStatusCode.Created)
                        {
                            acknowledged.Created.Add(JsonDocument.Parse(await post.Content.ReadAsStringAsync(stop)).RootElement.GetProperty("id").GetString()!);
                        }

                        break;
                    default:
                        var text = $"just browsing, message {writer}-{n}";
                        var turn = await visitor.PostAsJsonAsync($"/api/chat/sessions/{sessionId}/messages", new { text }, stop);
                        if (turn.StatusCode == HttpStatusCode.OK)
                        {
                            var (t, turns, _) = acknowledged.Chats[sessionId];
                            acknowledged.Chats[sessionId] = (t, turns + 1, text);
                        }

                        break;
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            // Stopped, or the process was killed under the request: that write was never acknowledged.
        }
    }

    /// <param name="versionsAhead">How many versions past the acknowledged one a lead may be (writes in flight or after the snapshot).</param>
    private static async Task VerifyAsync(SiloProcess silo, Acknowledged acknowledged, long versionsAhead)
    {
        var http = await SiloProcess.AgentClientAsync(silo, create: false);
        foreach (var (id, (version, notes)) in acknowledged.Patched)
        {
            var lead = JsonDocument.Parse(await http.GetStringAsync($"/api/leads/{id}")).RootElement;
            var stored = lead.GetProperty("version").GetInt64();
            // Never less than acknowledged; the write in flight at a kill may have committed without its answer.
            Assert.InRange(stored, version, version + versionsAhead);
            if (stored == version && version > 1)
            {
                Assert.Equal(notes, lead.GetProperty("notes").GetString());
            }

            await AssertTimelineMatchesAsync(http, id, stored);
        }

        foreach (var id in acknowledged.Created)
        {
            var lead = JsonDocument.Parse(await http.GetStringAsync($"/api/leads/{id}")).RootElement;
            await AssertTimelineMatchesAsync(http, id, lead.GetProperty("version").GetInt64());
        }

        foreach (var (id, (token, turns, lastText)) in acknowledged.Chats)
        {
            using var visitor = new HttpClient { BaseAddress = silo.BaseAddress };
            visitor.DefaultRequestHeaders.Add("X-Chat-Token", token);
            var session = JsonDocument.Parse(await visitor.GetStringAsync($"/api/chat/sessions/{id}")).RootElement;
            Assert.True(session.GetProperty("message_count").GetInt32() >= 1 + (2 * turns), $"session {id}: {turns} acknowledged turns");
            if (turns > 0)
            {
                Assert.Contains(session.GetProperty("messages").EnumerateArray(), m => m.GetProperty("text").GetString() == lastText);
            }
        }
    }

    // Every version has exactly one history entry, the newest one being the stored version.
    private static async Task AssertTimelineMatchesAsync(HttpClient http, string id, long version)
    {
        var timeline = JsonDocument.Parse(await http.GetStringAsync($"/api/leads/{id}/timeline?limit=1")).RootElement;
        Assert.Equal(version, timeline.GetProperty("total").GetInt64());
        Assert.Equal(version, timeline.GetProperty("items")[0].GetProperty("version").GetInt64());
    }
}
