using System.Net;
using System.Net.Http.Json;
using CrmChatbot.TestSupport;
using Microsoft.AspNetCore.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.Api.Tests.Membership;

/// <summary>The real Program with CLUSTERING=mongo: its silo joins through the Mongo membership table.</summary>
public sealed class MongoClusteringHostTests
{
    [Fact]
    public async Task With_CLUSTERING_mongo_the_silo_registers_itself_active_in_the_membership_document_of_its_cluster()
    {
        var server = await MongoTestServer.SharedAsync();
        var dbName = MongoTestServer.NewDatabaseName("api_cluster");
        var clusterId = "host-" + Guid.NewGuid().ToString("N")[..8];
        using var baseFactory = new CrmApiFactory { MongoUrl = server.ConnectionString, DbName = dbName };
        using var factory = baseFactory.WithWebHostBuilder(b =>
        {
            b.UseSetting("CLUSTERING", "mongo");
            b.UseSetting("CLUSTER_ID", clusterId);
        });
        try
        {
            using var http = factory.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
            // A login goes through the user grains: the silo serves calls.
            var login = await http.PostAsJsonAsync("/api/auth/login", new { email = CrmApiFactory.AdminEmail, password = CrmApiFactory.AdminPassword });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);

            using var mongo = new MongoClient(server.ConnectionString);
            var doc = await mongo.GetDatabase(dbName).GetCollection<BsonDocument>("membership")
                .Find(Builders<BsonDocument>.Filter.Eq("_id", clusterId)).SingleAsync();
            var row = Assert.Single(doc["silos"].AsBsonDocument).Value.AsBsonDocument;
            Assert.Equal("active", row["status"].AsString);
            Assert.StartsWith("127.0.0.1:", row["address"].AsString, StringComparison.Ordinal);
            Assert.True(row["proxy_port"].AsInt32 > 0);
        }
        finally
        {
            await server.TryDropDatabaseAsync(dbName);
        }
    }
}
