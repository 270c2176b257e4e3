using CrmChatbot.Chat.Dialogue;
using CrmChatbot.Chat.Language;
using CrmChatbot.Common;
using CrmChatbot.Meetings;
using CrmChatbot.Storage.Sqlite;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Tickets;
using CrmChatbot.Users;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Grains.Tests.Chat.Dialogue;

/// <summary>A clock stopped at one instant, so "tomorrow at 3pm" always means the same time.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>
/// Builds a <see cref="DialogueManager"/> on the shared cluster: real engine, real grains, store-neutral
/// queries over the shared store, a fixed clock and a fresh bot owner (so bookings of different tests
/// never meet in one calendar).
/// </summary>
internal sealed class DialogueHarness(ClusterFixture fixture)
{
    /// <summary>Monday 14 January 2030, 10:00 in Berlin: far enough ahead that no meeting reminder fires during tests.</summary>
    public static readonly DateTimeOffset Now = new(2030, 1, 14, 9, 0, 0, TimeSpan.Zero);

    private static LanguageEngine Engine => LanguageTestSupport.Engine;

    private readonly SqliteDocumentQueries documents = new(fixture.Store);

    public IGrainFactory Grains => fixture.Grains;

    public UserQueries Users => new(documents);

    public TicketQueries Tickets => new(documents);

    public MeetingQueries Meetings => new(documents);

    public async Task<UserDto> NewUserAsync(UserRole role, string name)
    {
        var email = $"chat-{Guid.NewGuid():N}@crm.test";
        var created = await Grains.GetGrain<IUserGrain>(email).RegisterAsync(new NewUser(email, "sturdy-passphrase-42", name, role));
        return created.Value ?? throw new InvalidOperationException(created.Error!.Message);
    }

    public DialogueManager Manager(string botOwnerId, DateTimeOffset? now = null, LanguageEngine? engine = null) => new(
        engine ?? Engine, LanguageTestSupport.Faq, Grains, Users, Tickets, Meetings, new FixedClock(now ?? Now),
        Options.Create(new ChatOptions { BotOwnerUserId = botOwnerId }));

    public async Task<TicketDto> NewTicketAsync(string requesterId, string subject)
    {
        var result = await Grains.GetGrain<ITicketNumberGrain>(ITicketNumberGrain.Key)
            .CreateTicketAsync(new NewTicket(subject, subject + " (details)", TicketPriority.High, requesterId), Actor.System);
        return result.Value ?? throw new InvalidOperationException(result.Error!.Message);
    }

    public async Task<MeetingDto> NewMeetingAsync(UserDto organizer, DateTime start, string title, params ParticipantInput[] participants)
    {
        var result = await Grains.GetGrain<IMeetingGrain>(Guid.CreateVersion7().ToString()).CreateAsync(new MeetingPatch
        {
            Title = Optional<string>.Of(title),
            Date = Optional<DateTime>.Of(start),
            DurationMinutes = Optional<int>.Of(60),
            Participants = Optional<IReadOnlyList<ParticipantInput>>.Of(participants),
        }, Actor.User(organizer.Id, organizer.Role, organizer.Name));
        return result.Value ?? throw new InvalidOperationException(result.Error!.Message);
    }

    public static ChatUser ChatUserOf(UserDto user) => new(user.Id, user.Role, user.Name, user.Email);
}
