using CrmChatbot.TestSupport;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>Process behaviour: durability across restarts and crashes, start-up refusals.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "crm-e2e-" + Guid.NewGuid().ToString("N"));

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

    [Fact]
    public async Task Data_written_before_a_graceful_stop_is_read_back_after_a_restart()
    {
        var environment = SiloProcess.Environment(_dataDir);
        var ids = new List<string>();
        string updatedId, deletedId;
        await using (var first = SiloProcess.Start(environment))
        {
            await first.WaitReadyAsync();
            var http = await SiloProcess.AgentClientAsync(first);
            for (var i = 0; i < 20; i++)
            {
                var created = await http.PostAsJsonAsync("/api/leads", new { name = $"Lead {i:00}", company = "Restart Co", source = "referral" });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                ids.Add(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
            }

            updatedId = ids[3];
            deletedId = ids[7];
            Assert.Equal(HttpStatusCode.OK, (await http.PutAsJsonAsync($"/api/leads/{updatedId}", new { status = "qualified", notes = "kept" })).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/leads/{deletedId}")).StatusCode);

            Assert.Equal(0, await first.StopAsync());
        }

        await using var second = SiloProcess.Start(environment);
        await second.WaitReadyAsync();
        // The agent account and its password survived too.
        var again = await SiloProcess.AgentClientAsync(second, create: false);

        var list = JsonDocument.Parse(await again.GetStringAsync("/api/leads?q=restart%20co&limit=200&sort=name")).RootElement;
        Assert.Equal(19, list.GetProperty("total").GetInt32());
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), l => l.GetProperty("id").GetString() == deletedId);
        var updated = JsonDocument.Parse(await again.GetStringAsync($"/api/leads/{updatedId}")).RootElement;
        Assert.Equal("qualified", updated.GetProperty("status").GetString());
        Assert.Equal("kept", updated.GetProperty("notes").GetString());
        Assert.Equal("referral", updated.GetProperty("source").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await again.GetAsync($"/api/leads/{deletedId}")).StatusCode);
        Assert.Equal(0, await second.StopAsync());
    }

    [Fact]
    public async Task Every_acknowledged_write_survives_kill_9()
    {
        var environment = SiloProcess.Environment(_dataDir);
        var ids = new List<string>();
        await using (var first = SiloProcess.Start(environment))
        {
            await first.WaitReadyAsync();
            var http = await SiloProcess.AgentClientAsync(first);
            for (var i = 0; i < 25; i++)
            {
                var created = await http.PostAsJsonAsync("/api/leads", new { name = $"Crash {i}" });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                ids.Add(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
            }

            await first.KillAsync();
        }

        await using var second = SiloProcess.Start(environment);
        await second.WaitReadyAsync();
        var again = await SiloProcess.AgentClientAsync(second, create: false);
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.OK, (await again.GetAsync($"/api/leads/{id}")).StatusCode);
        }
    }

    [Fact]
    public async Task A_second_process_on_the_same_data_dir_refuses_to_start_with_one_clear_line()
    {
        await using var first = SiloProcess.Start(SiloProcess.Environment(_dataDir));
        await first.WaitReadyAsync();

        await using var second = SiloProcess.Start(SiloProcess.Environment(_dataDir));
        var exit = await second.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exit);
        var error = Assert.Single(second.Output.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("in use by another process", error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await first.Http.GetAsync("/health/ready")).StatusCode);
    }

    [Theory]
    [InlineData("PORT", "eighty", "PORT")]
    [InlineData("ACCESS_TOKEN_EXPIRE_MINUTES", "0", "ACCESS_TOKEN_EXPIRE_MINUTES")]
    [InlineData("JWT_SECRET_KEY", "", "JWT_SECRET_KEY")]
    [InlineData("JWT_SECRET_KEY", "short", "JWT_SECRET_KEY")]
    [InlineData("ADMIN_PASSWORD", "change-me-now", "ADMIN_PASSWORD")] // the docs' example, outside Development
    [InlineData("ADMIN_PASSWORD", "password1234", "ADMIN_PASSWORD")] // a common password
    public async Task A_bad_setting_stops_start_up_with_one_line_naming_it(string name, string value, string named)
    {
        var environment = SiloProcess.Environment(_dataDir);
        environment[name] = value;

        await using var silo = SiloProcess.Start(environment);
        var exit = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        var lines = silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var error = Assert.Single(lines);
        Assert.StartsWith("error: " + named, error, StringComparison.Ordinal);
    }
}
