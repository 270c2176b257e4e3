using System.Net;
using Microsoft.AspNetCore.Hosting;

namespace CrmChatbot.Api.Tests.Chat;

/// <summary>The service wires the embedding layer from CHAT_EMBEDDINGS: on by default, off leaves the rules alone.</summary>
[Collection(SqliteApiCollection.Name)]
public sealed class ChatUnderstandingTests(SqliteApiFixture fixture)
{
    /// <summary>Wording the rules alone do not understand (no booking word, only a day), the model reads as a booking.</summary>
    private const string Paraphrase = "could we do a zoom on friday afternoon";

    [Fact]
    public async Task With_the_default_settings_the_model_reads_a_paraphrase_the_rules_miss()
    {
        using var visitor = fixture.Anonymous();
        Assert.Equal("book_meeting", await IntentAsync(visitor));
    }

    [Fact]
    public async Task With_chat_embeddings_off_the_rules_decide_alone()
    {
        using var factory = new CrmApiFactory();
        using var off = factory.WithWebHostBuilder(builder => builder.UseSetting("CHAT_EMBEDDINGS", "off"));
        using var visitor = off.CreateClient();
        Assert.Equal("unknown", await IntentAsync(visitor));
    }

    private static async Task<string?> IntentAsync(HttpClient client)
    {
        var (id, token, _) = await ChatApi.StartAsync(client);
        var turn = await ProblemAssert.JsonAsync(await ChatApi.SendAsync(client, id, token, Paraphrase), HttpStatusCode.OK);
        return turn.GetProperty("intent").GetString();
    }
}
