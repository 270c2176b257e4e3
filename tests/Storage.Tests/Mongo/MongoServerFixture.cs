using CrmChatbot.Storage.Mongo;
using CrmChatbot.TestSupport;

namespace CrmChatbot.Storage.Tests.Mongo;

/// <summary>The process-wide test MongoDB (MONGO_URL or jongodb), shared by every Mongo test class.</summary>
public sealed class MongoServerFixture : IAsyncLifetime
{
    private MongoTestServer? _server;

    public MongoTestServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>A store on a fresh, empty database of the shared server.</summary>
    public MongoStore NewStore(string prefix) =>
        new(new MongoStorageOptions { ConnectionString = Server.ConnectionString, DatabaseName = MongoTestServer.NewDatabaseName(prefix) });

    public async Task InitializeAsync() => _server = await MongoTestServer.SharedAsync();

    // The shared server lives until the process exits.
    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class MongoCollection : ICollectionFixture<MongoServerFixture>
{
    public const string Name = "MongoDB";
}
