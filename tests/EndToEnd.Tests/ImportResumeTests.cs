using System.Net;
using System.Text;
using System.Text.Json;
using CrmChatbot.TestSupport;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>
/// A lead import in the real process, killed with <c>kill -9</c> half-way: after the restart its durable reminder
/// resumes it (nobody asks for it meanwhile), and every row ends up with exactly one outcome and no lead twice.
/// </summary>
public sealed class ImportResumeTests : IDisposable
{
    /// <summary>Over 1 MiB of CSV: more than the service's JSON body limit, which the import raises for its file.</summary>
    private const int Rows = 25_000;

    /// <summary>Every 50th row repeats the previous row's email: a duplicate within the file.</summary>
    private const int DuplicateEvery = 50;

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "crm-e2e-import-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [Fact]
    public async Task An_import_killed_half_way_resumes_after_a_restart_and_creates_nothing_twice()
    {
        var token = "imp" + Guid.NewGuid().ToString("N")[..8];
        var csv = new StringBuilder("name,email,company\r\n");
        for (var row = 1; row <= Rows; row++)
        {
            var emailRow = row % DuplicateEvery == 0 ? row - 1 : row;
            csv.Append($"Lead {row},lead-{emailRow}-{token}@example.com,{token}\r\n");
        }

        const int duplicates = Rows / DuplicateEvery;
        var environment = SiloProcess.Environment(_dataDir);
        string id;
        await using (var first = SiloProcess.Start(environment))
        {
            await first.WaitReadyAsync();
            using var http = await SiloProcess.AgentClientAsync(first);
            using var content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
            Assert.True(Encoding.UTF8.GetByteCount(csv.ToString()) > 1024 * 1024);
            using var upload = new HttpRequestMessage(HttpMethod.Post, "/api/leads/import") { Content = content };
            upload.Headers.Add("Idempotency-Key", "import-" + token); // ignored by the import, and no obstacle to a large file
            var started = await JsonAsync(await http.SendAsync(upload), HttpStatusCode.Accepted);
            id = started.GetProperty("id").GetString()!;

            // Kill as soon as some rows are done and the rest are not: the middle of the import.
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (true)
            {
                var job = await JsonAsync(await http.GetAsync($"/api/imports/{id}?limit=1"), HttpStatusCode.OK);
                var done = job.GetProperty("rows_done").GetInt32();
                Assert.True(done < Rows, "the import finished before it could be interrupted: make the file larger");
                if (done > 0)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, "the import made no progress");
                await Task.Delay(10);
            }

            await first.KillAsync();
        }

        await using var second = SiloProcess.Start(environment);
        await second.WaitReadyAsync();
        using var agent = await SiloProcess.AgentClientAsync(second, create: false);

        // Only the list is read (it never activates grains): the reminder alone must bring the import back.
        var expected = Rows - duplicates;
        var waitUntil = DateTime.UtcNow.AddMinutes(4);
        while (await TotalAsync(agent, token) < expected)
        {
            Assert.True(DateTime.UtcNow < waitUntil, $"the import did not resume: {await TotalAsync(agent, token)} of {expected} leads");
            await Task.Delay(200);
        }

        var completed = await JsonAsync(await agent.GetAsync($"/api/imports/{id}?limit=1"), HttpStatusCode.OK);
        for (var wait = DateTime.UtcNow.AddMinutes(1); completed.GetProperty("status").GetString() != "completed"; completed =
            await JsonAsync(await agent.GetAsync($"/api/imports/{id}?limit=1"), HttpStatusCode.OK))
        {
            Assert.True(DateTime.UtcNow < wait, $"the import did not complete: {completed}");
            await Task.Delay(100);
        }

        Assert.Equal((Rows, expected, duplicates, 0, 0), (completed.GetProperty("rows_done").GetInt32(), completed.GetProperty("created").GetInt32(),
            completed.GetProperty("duplicates").GetInt32(), completed.GetProperty("invalid").GetInt32(), completed.GetProperty("updated").GetInt32()));
        Assert.Equal(expected, await TotalAsync(agent, token));

        // No email twice, and every row accounted for once (exported with the same filter as the list).
        var export = await agent.GetStringAsync($"/api/leads/export?q={token}");
        var emails = export.Split("\r\n").Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')[2]).ToList();
        Assert.Equal(expected, emails.Count);
        Assert.Equal(expected, emails.Distinct(StringComparer.Ordinal).Count());
        var page = await JsonAsync(await agent.GetAsync($"/api/imports/{id}?offset={Rows - 200}&limit=200"), HttpStatusCode.OK);
        var results = page.GetProperty("results");
        Assert.Equal(Rows, results.GetProperty("total").GetInt32());
        Assert.Equal(Enumerable.Range(Rows - 199, 200), results.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("row").GetInt32()));
    }

    private static async Task<int> TotalAsync(HttpClient http, string token) =>
        (await JsonAsync(await http.GetAsync($"/api/leads?q={token}&limit=1"), HttpStatusCode.OK)).GetProperty("total").GetInt32();

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
