using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmChatbot.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CrmChatbot.Api.Tests.Admin;

/// <summary>Two real hosts joined through the MongoDB membership table (CLUSTERING=mongo), seen through the cluster view.</summary>
public sealed class ClusterOfTwoTests
{
    [Fact]
    public async Task Each_silo_lists_both_and_marks_itself_and_a_stopped_silo_turns_dead()
    {
        var server = await MongoTestServer.SharedAsync();
        var dbName = MongoTestServer.NewDatabaseName("api_ops");
        var clusterId = "ops-" + Guid.NewGuid().ToString("N")[..8];
        using var baseA = new CrmApiFactory { MongoUrl = server.ConnectionString, DbName = dbName };
        using var baseB = new CrmApiFactory { MongoUrl = server.ConnectionString, DbName = dbName };
        using var siloA = Join(baseA, clusterId);
        var siloB = Join(baseB, clusterId);
        try
        {
            using var adminA = await AdminClient.CreateAsync(siloA);
            using var adminB = await AdminClient.CreateAsync(siloB);
            await ProblemAssert.JsonAsync(await adminB.PostAsJsonAsync("/api/leads", new { name = "Seen from A" }), HttpStatusCode.Created);

            var fromA = await ClusterAsync(adminA);
            var fromB = await ClusterAsync(adminB);

            Assert.Equal(clusterId, fromA.GetProperty("cluster_id").GetString());
            Assert.Equal(2, fromA.GetProperty("active_silos").GetInt32());
            var addressA = fromA.GetProperty("answered_by").GetString();
            var addressB = fromB.GetProperty("answered_by").GetString();
            Assert.NotEqual(addressA, addressB);
            var silosSeenByA = fromA.GetProperty("silos").EnumerateArray().ToArray();
            Assert.Equal(new[] { addressA, addressB }.Order(StringComparer.Ordinal),
                silosSeenByA.Select(s => s.GetProperty("address").GetString()).Order(StringComparer.Ordinal));
            Assert.All(silosSeenByA, s => Assert.Equal("active", s.GetProperty("status").GetString()));
            Assert.Equal(fromA.GetProperty("total_activations").GetInt32(), silosSeenByA.Sum(s => s.GetProperty("activation_count").GetInt32()));
            Assert.Contains(silosSeenByA.SelectMany(s => s.GetProperty("grains").EnumerateArray()),
                g => g.GetProperty("grain_type").GetString() == "CrmChatbot.Leads.LeadGrain");
            Assert.Equal(addressA, Assert.Single(silosSeenByA, s => s.GetProperty("handled_this_request").GetBoolean()).GetProperty("address").GetString());
            Assert.Equal(addressB, Assert.Single(fromB.GetProperty("silos").EnumerateArray(), s => s.GetProperty("handled_this_request").GetBoolean())
                .GetProperty("address").GetString());

            // A graceful stop marks the silo dead in the membership table; it keeps its row, without counts.
            await siloB.DisposeAsync();
            var afterStop = await ClusterAsync(adminA);
            Assert.Equal(1, afterStop.GetProperty("active_silos").GetInt32());
            var stopped = Assert.Single(afterStop.GetProperty("silos").EnumerateArray(), s => s.GetProperty("address").GetString() == addressB);
            Assert.Equal("dead", stopped.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, stopped.GetProperty("activation_count").ValueKind);
            Assert.Empty(stopped.GetProperty("grains").EnumerateArray());
        }
        finally
        {
            await siloB.DisposeAsync();
            await server.TryDropDatabaseAsync(dbName);
        }
    }

    private static WebApplicationFactory<Program> Join(CrmApiFactory factory, string clusterId) => factory.WithWebHostBuilder(b =>
    {
        b.UseSetting("CLUSTERING", "mongo");
        b.UseSetting("CLUSTER_ID", clusterId);
    });

    private static async Task<JsonElement> ClusterAsync(HttpClient admin) =>
        await ProblemAssert.JsonAsync(await admin.GetAsync("/api/admin/cluster"), HttpStatusCode.OK);
}
