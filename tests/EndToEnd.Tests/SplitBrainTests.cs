using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmChatbot.TestSupport;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>Silos on one MongoDB database always form one cluster: by default, and by refusing when they would not.</summary>
public sealed class SplitBrainTests
{
    private static Dictionary<string, string?> OnlyMongoUrl(string url, string database) => SiloProcess.MongoEnvironment(url, database);

    [Fact]
    public async Task Three_silos_started_with_only_MONGO_URL_form_one_cluster_with_single_activations()
    {
        var server = await MongoTestServer.SharedAsync();
        var database = MongoTestServer.NewDatabaseName("onecluster");
        var silos = Enumerable.Range(0, 3).Select(_ => SiloProcess.Start(OnlyMongoUrl(server.ConnectionString, database))).ToList();
        var clients = new List<HttpClient>();
        try
        {
            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync()));
            var token = await silos[0].LoginAsync(SiloProcess.AdminEmail, SiloProcess.AdminPassword);
            clients.AddRange(silos.Select(s => s.AuthorizedClient(token)));

            var view = await ClusterTests.ClusterViewAsync(clients[2], v => v.GetProperty("active_silos").GetInt32() == 3);
            Assert.Equal(3, view.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "active"));

            using var created = await clients[0].PostAsJsonAsync("/api/campaigns", new { name = "One cluster " + Guid.NewGuid().ToString("N"), type = "email" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var campaignId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
            await ClusterTests.AssertConcurrentIncrementsSumAsync([.. clients], campaignId);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
            await Task.WhenAll(silos.Select(async s => await s.DisposeAsync()));
        }
    }

    [Fact]
    public async Task A_single_silo_on_MongoDB_holds_the_database_and_other_silos_refuse_with_one_line()
    {
        var server = await MongoTestServer.SharedAsync();
        var database = MongoTestServer.NewDatabaseName("lease");
        var single = OnlyMongoUrl(server.ConnectionString, database);
        single["CLUSTERING"] = "localhost";

        await using (var first = SiloProcess.Start(single))
        {
            await first.WaitReadyAsync();

            var secondEnvironment = OnlyMongoUrl(server.ConnectionString, database);
            secondEnvironment["CLUSTERING"] = "localhost";
            await using var second = SiloProcess.Start(secondEnvironment);
            await using var clustered = SiloProcess.Start(OnlyMongoUrl(server.ConnectionString, database));

            Assert.Equal(1, await second.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            var line = Assert.Single(second.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: another silo (", line, StringComparison.Ordinal);
            Assert.Contains($"runs with CLUSTERING=localhost on MongoDB database {database}", line, StringComparison.Ordinal);

            Assert.Equal(1, await clustered.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            line = Assert.Single(clustered.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: a silo with CLUSTERING=localhost (", line, StringComparison.Ordinal);

            Assert.Equal(HttpStatusCode.OK, (await first.Http.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(0, await first.StopAsync());
        }

        // A graceful stop gives the database back: a clustered silo starts at once.
        await using var after = SiloProcess.Start(OnlyMongoUrl(server.ConnectionString, database));
        await after.WaitReadyAsync();
    }
}
