using System.Net;
using CrmChatbot.Chat;
using CrmChatbot.Chat.Sessions;
using CrmChatbot.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Api.Tests.Chat;

/// <summary>A data directory written before store version 5 (archives in <c>chat_transcripts</c>) served by this build.</summary>
public sealed class ChatTranscriptUpgradeTests
{
    [Fact]
    public async Task A_session_archived_by_the_old_build_shows_its_whole_transcript_after_the_upgrade_and_goes_on()
    {
        using var factory = new CrmApiFactory();
        var id = Guid.NewGuid().ToString();
        const string token = "visitor-token-of-the-old-build";
        var at = new DateTime(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);
        var all = Enumerable.Range(0, 70).Select(i => new ChatMessage
        {
            Id = Guid.NewGuid().ToString(),
            Role = i % 2 == 0 ? ChatRole.Bot : ChatRole.User,
            Text = $"old message {i}",
            At = at.AddSeconds(i),
        }).ToList();
        // As the old build left it: 60 recent messages in the session, the 12 before them archived (the last 2 of
        // those in both: the archive was written, the session not), store version 4.
        using (var old = new SqliteStore(factory.DataDir))
        {
            var storage = new SqliteGrainStorage(old);
            var grainId = GrainId.Create("chatsession", id);
            await storage.WriteStateAsync(ChatStorage.Sessions, grainId, new GrainState<ChatSessionState>(new ChatSessionState
            {
                Version = 35,
                OwnerTokenHash = ChatSessionRules.HashToken(token),
                Messages = [.. all.Skip(10)],
                MessageCount = 70,
                CreatedAt = at,
                UpdatedAt = at.AddSeconds(69),
                LastActivityAt = DateTime.UtcNow,
            }));
            await storage.WriteStateAsync(ChatStorage.LegacyTranscripts, grainId, new GrainState<ChatTranscriptState>(new ChatTranscriptState { Messages = [.. all.Take(12)] }));
            await old.Writes.RunAsync(s => s.Execute("UPDATE crm_schema SET version = '4' WHERE name = '$store'"));
        }

        using var visitor = factory.CreateClient();
        var shown = await ProblemAssert.JsonAsync(await ChatApi.GetAsync(visitor, id, token), HttpStatusCode.OK);

        Assert.Equal(all.Select(m => m.Text), shown.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
        Assert.Equal(70, shown.GetProperty("message_count").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await ChatApi.SendAsync(visitor, id, token, "still there?")).StatusCode);
        var after = await ProblemAssert.JsonAsync(await ChatApi.GetAsync(visitor, id, token), HttpStatusCode.OK);
        var texts = after.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()).ToList();
        Assert.Equal([.. all.Select(m => m.Text), "still there?"], texts.Take(71));
        Assert.Equal(72, texts.Count);
        var store = factory.Services.GetRequiredService<SqliteStore>();
        Assert.Equal(72L - ChatLimits.StoredRecentMessages, store.Read(s => s.Scalar("SELECT count(*) FROM chat_messages WHERE session_id = @p0", id)));
    }
}
