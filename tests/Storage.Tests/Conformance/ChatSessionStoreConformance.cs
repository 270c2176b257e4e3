using CrmChatbot.Chat;
using CrmChatbot.Common;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Conformance;

/// <summary>
/// The chat-session contract every backend must meet: the messages a write moves out of the session document are
/// appended as rows with that write (a stale write stores neither), the document keeps no pending rows once read,
/// the archive's tail is read newest-limited and oldest first, and an archive document of a build before store
/// version 5 becomes rows on upgrade.
/// </summary>
public abstract class ChatSessionStoreConformance
{
    private static readonly DateTime At = new(2026, 12, 6, 10, 0, 0, 123, DateTimeKind.Utc);

    protected abstract IChatSessionStore Sessions { get; }

    /// <summary>
    /// Stores what a build before store version 5 stored (the session's document and its <c>chat_transcripts</c>
    /// archive document), then starts the store as an upgraded service does; returns the session store to use then.
    /// </summary>
    protected abstract Task<IChatSessionStore> UpgradeFromLegacyAsync(GrainId grainId, ChatSessionState session, ChatTranscriptState archive);

    /// <summary>The backend's plain grain storage: session documents as stored, outbox included.</summary>
    protected abstract IGrainStorage Documents { get; }

    private static GrainId Chat(string id) => GrainId.Create("chat", id);

    private static ChatMessage Message(int n) => new()
    {
        Id = Guid.NewGuid().ToString(),
        Role = n % 2 == 0 ? ChatRole.User : ChatRole.Bot,
        Text = $"message {n} 漢字",
        At = At.AddSeconds(n),
        AuthorName = n % 2 == 0 ? "Ada" : null,
    };

    /// <summary>A session of <paramref name="count"/> messages of which the newest <paramref name="recent"/> are in its document; the rest as rows.</summary>
    private static (ChatSessionState Session, List<ArchivedChatMessage> Rows) Conversation(string id, int count, int recent, long version = 1)
    {
        var all = Enumerable.Range(1, count).Select(Message).ToList();
        var session = new ChatSessionState { Version = version, MessageCount = count, Messages = [.. all.Skip(count - recent)], CreatedAt = At };
        var rows = all.Take(count - recent).Select((m, i) => new ArchivedChatMessage { SessionId = id, Seq = i + 1, Message = m }).ToList();
        return (session, rows);
    }

    [Fact]
    public async Task Rows_are_stored_with_the_session_and_the_tail_is_the_newest_oldest_first()
    {
        var id = Guid.NewGuid().ToString();
        var (session, rows) = Conversation(id, 8, 3);
        var state = new GrainState<ChatSessionState>(session);

        await Sessions.WriteAsync(Chat(id), state, [], rows);

        Assert.Empty(state.State.PendingArchive);
        var all = await Sessions.ReadArchiveTailAsync(id, 500);
        Assert.Equal(rows.Select(r => (r.Message.Id, r.Message.Text, r.Message.Role, r.Message.At, r.Message.AuthorName)),
            all.Select(m => (m.Id, m.Text, m.Role, m.At, m.AuthorName)));
        Assert.Equal(DateTimeKind.Utc, all[0].At.Kind);
        Assert.Equal(rows.TakeLast(2).Select(r => r.Message.Id), (await Sessions.ReadArchiveTailAsync(id, 2)).Select(m => m.Id));
        Assert.Empty(await Sessions.ReadArchiveTailAsync(Guid.NewGuid().ToString(), 500));

        // The next write appends the next row only; a reader gets the document with nothing pending.
        var next = session.Copy();
        next.Version = 2;
        next.MessageCount = 9;
        var ninth = Message(9);
        next.Messages = [.. session.Messages.Skip(1), ninth];
        state.State = next;
        await Sessions.WriteAsync(Chat(id), state, [], [new ArchivedChatMessage { SessionId = id, Seq = 6, Message = session.Messages[0] }]);
        var read = new GrainState<ChatSessionState>(new ChatSessionState());
        await Sessions.ReadAsync(Chat(id), read);

        Assert.True(read.RecordExists);
        Assert.Equal(2, read.State.Version);
        Assert.Empty(read.State.PendingArchive);
        Assert.Equal(next.Messages.Select(m => m.Id), read.State.Messages.Select(m => m.Id));
        Assert.Equal([.. rows.Select(r => r.Message.Id), session.Messages[0].Id], (await Sessions.ReadArchiveTailAsync(id, 500)).Select(m => m.Id));
    }

    [Fact]
    public async Task A_stale_write_stores_neither_the_session_nor_its_rows()
    {
        var id = Guid.NewGuid().ToString();
        var (session, rows) = Conversation(id, 4, 2);
        var winner = new GrainState<ChatSessionState>(session);
        await Sessions.WriteAsync(Chat(id), winner, [], rows);

        // A second writer that never read the session (no etag), then one with an old etag: both refused.
        var (other, otherRows) = Conversation(id, 10, 2, version: 7);
        var intruder = new GrainState<ChatSessionState>(other);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Sessions.WriteAsync(Chat(id), intruder, [], otherRows));
        var stale = new GrainState<ChatSessionState>(other) { ETag = "stale", RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => Sessions.WriteAsync(Chat(id), stale, [], otherRows));

        Assert.Empty(other.PendingArchive); // the refused rows are not left for a later write either
        var read = new GrainState<ChatSessionState>(new ChatSessionState());
        await Sessions.ReadAsync(Chat(id), read);
        Assert.Equal(1, read.State.Version);
        Assert.Equal(session.Messages.Select(m => m.Id), read.State.Messages.Select(m => m.Id));
        Assert.Equal(rows.Select(r => r.Message.Id), (await Sessions.ReadArchiveTailAsync(id, 500)).Select(m => m.Id));
    }

    [Fact]
    public async Task An_archive_document_of_an_older_build_becomes_rows_and_the_whole_transcript_is_shown_after_the_upgrade()
    {
        var id = Guid.NewGuid().ToString();
        // As the old build left it: 70 messages, the newest 60 in the session, the first 12 in the archive (the
        // archive was written, the session not: 2 in both). Another session's archive is left alone.
        var all = Enumerable.Range(1, 70).Select(Message).ToList();
        var session = new ChatSessionState { Version = 3, MessageCount = 70, Messages = [.. all.Skip(10)], CreatedAt = At };
        var archive = new ChatTranscriptState { Messages = [.. all.Take(12)] };

        var upgraded = await UpgradeFromLegacyAsync(Chat(id), session, archive);
        var read = new GrainState<ChatSessionState>(new ChatSessionState());
        await upgraded.ReadAsync(Chat(id), read);
        var tail = await upgraded.ReadArchiveTailAsync(id, ChatLimits.TranscriptMessages);

        Assert.Equal(all.Take(10).Select(m => m.Id), tail.Select(m => m.Id));
        Assert.Equal(all.Select(m => m.Text), read.State!.ToDto(id, tail).Messages.Select(m => m.Text));

        // Read again (another activation, another start): nothing doubles.
        var again = new GrainState<ChatSessionState>(new ChatSessionState());
        await upgraded.ReadAsync(Chat(id), again);
        Assert.Equal(10, (await upgraded.ReadArchiveTailAsync(id, ChatLimits.TranscriptMessages)).Count);
    }

    [Fact]
    public async Task Rows_left_in_the_sessions_outbox_by_a_silo_that_died_after_the_write_are_appended_on_the_next_read()
    {
        var id = Guid.NewGuid().ToString();
        var grainId = GrainId.Create("chat", id);
        var archived = new ChatMessage { Id = Guid.NewGuid().ToString(), Role = ChatRole.User, Text = "kept in the outbox", At = DateTime.UtcNow };
        var session = new ChatSessionState
        {
            Version = 4,
            MessageCount = 2,
            Messages = [new ChatMessage { Id = Guid.NewGuid().ToString(), Text = "recent" }],
            PendingArchive = [new ArchivedChatMessage { SessionId = id, Seq = 1, Message = archived }],
        };
        // The session's write stored its outbox; the append after it never ran (or an older build stored it so).
        await Documents.WriteStateAsync(ChatStorage.Sessions, grainId, new GrainState<ChatSessionState>(session));
        Assert.Empty(await Sessions.ReadArchiveTailAsync(id, 500));

        var read = new GrainState<ChatSessionState>(new ChatSessionState());
        await Sessions.ReadAsync(grainId, read);

        Assert.Empty(read.State.PendingArchive);
        Assert.Equal(["kept in the outbox"], (await Sessions.ReadArchiveTailAsync(id, 500)).Select(m => m.Text));
        await Sessions.ReadAsync(grainId, read); // appended again (the document still holds it): no second row
        Assert.Single(await Sessions.ReadArchiveTailAsync(id, 500));

        // The next write stores the session without them; still one row.
        read.State.Version = 5;
        await Sessions.WriteAsync(grainId, read, [], []);
        var stored = new GrainState<ChatSessionState>(new ChatSessionState());
        await Documents.ReadStateAsync(ChatStorage.Sessions, grainId, stored);
        Assert.Empty(stored.State.PendingArchive);
        Assert.Single(await Sessions.ReadArchiveTailAsync(id, 500));
    }
}
