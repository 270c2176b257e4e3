using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrmChatbot.TestSupport;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>The real process on MongoDB: durability across restarts, native documents, outages, check-db.</summary>
public sealed class MongoProcessTests
{
    private static async Task<Dictionary<string, string?>> MongoEnvironmentAsync(string connectionString, string database)
    {
        await Task.CompletedTask;
        return SiloProcess.MongoEnvironment(connectionString, database);
    }

    [Fact]
    public async Task Data_survives_a_restart_and_is_stored_as_native_documents()
    {
        var server = await MongoTestServer.SharedAsync();
        var database = MongoTestServer.NewDatabaseName("e2e");
        var environment = await MongoEnvironmentAsync(server.ConnectionString, database);
        string leadId;
        await using (var first = SiloProcess.Start(environment))
        {
            await first.WaitReadyAsync();
            using var agent = await SiloProcess.AgentClientAsync(first);
            var created = await agent.PostAsJsonAsync("/api/leads", new { name = "Mongo Lead", email = "m@example.com", source = "event" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            leadId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await agent.PutAsJsonAsync($"/api/leads/{leadId}", new { status = "qualified" })).StatusCode);
            Assert.Equal(0, await first.StopAsync());
        }

        await using (var second = SiloProcess.Start(environment))
        {
            await second.WaitReadyAsync();
            using var agent = await SiloProcess.AgentClientAsync(second, create: false);
            var lead = JsonDocument.Parse(await agent.GetStringAsync($"/api/leads/{leadId}")).RootElement;
            Assert.Equal("qualified", lead.GetProperty("status").GetString());
            Assert.Equal("event", lead.GetProperty("source").GetString());
            var list = JsonDocument.Parse(await agent.GetStringAsync("/api/leads?status=qualified")).RootElement;
            Assert.Equal(1, list.GetProperty("total").GetInt32());
        }

        // Operators can read the data with any MongoDB tool: native fields, no blobs.
        var db = new MongoClient(server.ConnectionString).GetDatabase(database);
        var document = await db.GetCollection<BsonDocument>("leads").Find(new BsonDocument("_id", leadId)).SingleAsync();
        var state = document["state"].AsBsonDocument;
        Assert.IsType<BsonString>(document["etag"]);
        Assert.Equal("Mongo Lead", state["name"].AsString);
        Assert.Equal("qualified", state["status"].AsString);
        Assert.Equal("event", state["source"].AsString);
        Assert.Equal(BsonType.DateTime, state["created_at"].BsonType);
        Assert.DoesNotContain(state.Elements, e => e.Value.BsonType == BsonType.Binary);
        var user = await db.GetCollection<BsonDocument>("users").Find(new BsonDocument("_id", SiloProcess.AdminEmail)).SingleAsync();
        Assert.Equal("admin", user["state"]["role"].AsString);
        Assert.StartsWith("$2", user["state"]["password_hash"].AsString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_outage_gives_503s_and_the_service_recovers_by_itself()
    {
        // A server of its own, whatever MONGO_URL says: this test freezes its process.
        await using var server = await MongoTestServer.StartOwnAsync();
        var environment = await MongoEnvironmentAsync(server.ConnectionString, MongoTestServer.NewDatabaseName("outage"));
        environment["MONGO_TIMEOUT_SECONDS"] = "1";
        await using var silo = SiloProcess.Start(environment);
        await silo.WaitReadyAsync();
        using var agent = await SiloProcess.AgentClientAsync(silo);
        var created = await agent.PostAsJsonAsync("/api/leads", new { name = "Before outage" });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        server.Pause();
        try
        {
            var write = await agent.PostAsJsonAsync("/api/leads", new { name = "During outage" });
            await ExpectAsync(silo, HttpStatusCode.ServiceUnavailable, write);
            Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
            Assert.True(write.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            await ExpectAsync(silo, HttpStatusCode.ServiceUnavailable, await agent.GetAsync("/api/leads"));
            await ExpectAsync(silo, HttpStatusCode.ServiceUnavailable, await silo.Http.GetAsync("/health/ready"));
            await ExpectAsync(silo, HttpStatusCode.OK, await silo.Http.GetAsync("/health/live"));
        }
        finally
        {
            server.Resume();
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await silo.Http.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "not ready again within 30 s");
            await Task.Delay(250);
        }

        await ExpectAsync(silo, HttpStatusCode.OK, await agent.GetAsync($"/api/leads/{id}"));
        await ExpectAsync(silo, HttpStatusCode.Created, await agent.PostAsJsonAsync("/api/leads", new { name = "After outage" }));
        await ExpectAsync(silo, HttpStatusCode.OK, await agent.GetAsync("/api/leads"));
    }

    /// <summary>On a mismatch, the message carries the response body and the silo's log: outages are timing-sensitive.</summary>
    private static async Task ExpectAsync(SiloProcess silo, HttpStatusCode expected, HttpResponseMessage response)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, got {(int)response.StatusCode}: {body}\n--- silo output ---\n{silo.Output}");
        }
    }

    [Fact]
    public async Task An_unreachable_database_at_start_up_exits_with_one_line_naming_host_and_reason()
    {
        var port = TestPorts.Reserve(); // nothing listens there
        var environment = await MongoEnvironmentAsync($"mongodb://127.0.0.1:{port}/", "crm_db");
        environment["MONGO_STARTUP_TIMEOUT_SECONDS"] = "2";
        environment["MONGO_TIMEOUT_SECONDS"] = "1";

        await using var silo = SiloProcess.Start(environment);
        var exit = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exit);
        var error = Assert.Single(silo.Output.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains($"127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.Contains("not reachable", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_db_reports_server_database_and_collections()
    {
        var server = await MongoTestServer.SharedAsync();
        var database = MongoTestServer.NewDatabaseName("checkdb");
        var environment = await MongoEnvironmentAsync(server.ConnectionString, database);
        await using (var silo = SiloProcess.Start(environment))
        {
            await silo.WaitReadyAsync();
            Assert.Equal(0, await silo.StopAsync());
        }

        await using var check = SiloProcess.Start(environment, "check-db");
        var exit = await check.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, check.Output);
        Assert.Contains("version:", check.Output, StringComparison.Ordinal);
        Assert.Contains($"database: {database}", check.Output, StringComparison.Ordinal);
        Assert.Contains("users: 1 documents", check.Output, StringComparison.Ordinal);
        Assert.Contains("OK", check.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mongodb://", "malformed URL")]
    [InlineData("mongodb://127.0.0.1:1/", "connection refused")]
    public async Task Check_db_exits_1_with_the_failure_class(string url, string reason)
    {
        var environment = await MongoEnvironmentAsync(url, "crm_db");
        environment["MONGO_TIMEOUT_SECONDS"] = "2";

        await using var check = SiloProcess.Start(environment, "check-db");
        var exit = await check.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        var error = Assert.Single(check.Output.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
