using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmChatbot.Api.Tests.Admin;

public abstract class ClusterTests(ApiFixture fixture)
{
    [Fact]
    public async Task Admin_sees_the_active_silo_answering_with_its_lead_activations()
    {
        using var admin = fixture.Admin();
        await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync("/api/leads", new { name = "Cluster view lead" }), HttpStatusCode.Created);

        var cluster = await ProblemAssert.JsonAsync(await admin.GetAsync("/api/admin/cluster"), HttpStatusCode.OK);

        var silos = cluster.GetProperty("silos").EnumerateArray().ToArray();
        var local = Assert.Single(silos, s => s.GetProperty("handled_this_request").GetBoolean());
        Assert.Equal("active", local.GetProperty("status").GetString());
        Assert.Equal(cluster.GetProperty("answered_by").GetString(), local.GetProperty("address").GetString());
        Assert.Matches(@"^127\.0\.0\.1:\d+@\d+$", local.GetProperty("address").GetString());
        // Localhost clustering keeps Orleans' development cluster id; CLUSTER_ID applies with CLUSTERING=mongo.
        Assert.Equal("default", cluster.GetProperty("cluster_id").GetString());
        Assert.True(cluster.GetProperty("active_silos").GetInt32() >= 1);

        var started = local.GetProperty("start_time").GetDateTimeOffset();
        Assert.InRange(started, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(TimeSpan.Zero, started.Offset);

        var activations = local.GetProperty("activation_count").GetInt32();
        Assert.True(activations > 0, $"activation_count {activations}");
        var grains = local.GetProperty("grains").EnumerateArray().ToArray();
        Assert.Equal(activations, grains.Sum(g => g.GetProperty("activation_count").GetInt32()));
        var leads = Assert.Single(grains, g => g.GetProperty("grain_type").GetString() == "CrmChatbot.Leads.LeadGrain");
        Assert.True(leads.GetProperty("activation_count").GetInt32() >= 1);
        Assert.True(cluster.GetProperty("total_activations").GetInt32() >= activations);
    }

    [Fact]
    public async Task Agents_and_clients_get_403_and_anonymous_401_as_problems()
    {
        using var agent = fixture.Agent();
        using var client = fixture.Client();
        using var anonymous = fixture.Anonymous();

        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/admin/cluster"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/admin/cluster"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync("/api/admin/cluster"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_endpoint_is_documented_with_a_summary()
    {
        using var anonymous = fixture.Anonymous();
        var document = await ProblemAssert.JsonAsync(await anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);

        var get = document.GetProperty("paths").GetProperty("/api/admin/cluster").GetProperty("get");
        Assert.StartsWith("List the cluster's silos", get.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/admin/dashboard-session", out _));
        Assert.DoesNotContain(document.GetProperty("paths").EnumerateObject(), p => p.Name.StartsWith("/dashboard", StringComparison.Ordinal));
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class ClusterTestsOnSqlite(SqliteApiFixture fixture) : ClusterTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class ClusterTestsOnMongo(MongoApiFixture fixture) : ClusterTests(fixture);
