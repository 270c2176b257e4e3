using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmChatbot.TestSupport;

namespace CrmChatbot.Api.Tests.Webhooks;

/// <summary>The service with fast webhook retries (20 ms base) on one store, shared by a class's tests.</summary>
public abstract class WebhookFixture : IAsyncLifetime
{
    public CrmApiFactory Factory { get; } = new();

    public string AdminToken { get; private set; } = "";

    public HttpClient Admin() => Factory.ClientWithToken(AdminToken);

    public async Task InitializeAsync()
    {
        Factory.Settings["WEBHOOK_RETRY_BASE_MS"] = "20";
        await ConfigureAsync(Factory);
        AdminToken = await Factory.AdminTokenAsync();
    }

    protected virtual Task ConfigureAsync(CrmApiFactory factory) => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Subscribes <paramref name="url"/>; returns the id and the secret shown once.</summary>
    public async Task<(string Id, string Secret)> SubscribeAsync(string url, params string[] events)
    {
        using var admin = Admin();
        var json = await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url, events }), HttpStatusCode.Created);
        return (json.GetProperty("id").GetString()!, json.GetProperty("secret").GetString()!);
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        using var admin = Admin();
        return await ProblemAssert.JsonAsync(await admin.GetAsync(path), HttpStatusCode.OK);
    }

    /// <summary>Waits until <paramref name="condition"/> holds for what GET <paramref name="path"/> answers (a grain finishing its turn).</summary>
    public async Task<JsonElement> EventuallyAsync(string path, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var json = await GetAsync(path);
            if (condition(json))
            {
                return json;
            }

            Assert.True(DateTime.UtcNow < deadline, $"GET {path} never met the condition; last answer: {json}");
            await Task.Delay(50); // a poll interval: the condition decides, not the time
        }
    }
}

public sealed class SqliteWebhookFixture : WebhookFixture;

public sealed class MongoWebhookFixture : WebhookFixture
{
    protected override async Task ConfigureAsync(CrmApiFactory factory)
    {
        var server = await MongoTestServer.SharedAsync();
        factory.MongoUrl = server.ConnectionString;
        factory.DbName = MongoTestServer.NewDatabaseName("webhooks");
    }
}

/// <summary>The service giving up on an event at its first failure (WEBHOOK_RETRY_WINDOW_MINUTES=0).</summary>
public sealed class NoRetryWebhookFixture : WebhookFixture
{
    protected override Task ConfigureAsync(CrmApiFactory factory)
    {
        factory.Settings["WEBHOOK_RETRY_WINDOW_MINUTES"] = "0";
        return Task.CompletedTask;
    }
}
