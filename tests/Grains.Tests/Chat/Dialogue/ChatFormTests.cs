using CrmChatbot.Chat.Dialogue.Forms;
using CrmChatbot.Chat.Language;

namespace CrmChatbot.Grains.Tests.Chat.Dialogue;

/// <summary>The forms registry: every task the assistant can do is exactly one form, found without a list to edit.</summary>
public sealed class ChatFormTests
{
    [Fact]
    public void Every_task_intent_has_its_form()
    {
        Intent[] tasks = [Intent.CreateLead, Intent.BookMeeting, Intent.OpenTicket, Intent.TicketStatus, Intent.ListMeetings, Intent.CancelMeeting, Intent.Handoff];
        Assert.Equal(tasks.Order(), ChatForm.All.Keys.Order());
        Assert.All(ChatForm.All, kv => Assert.Equal(kv.Key, kv.Value.Intent));
    }

    [Fact]
    public void Only_the_handoff_interrupts_a_task()
    {
        Assert.Equal([Intent.Handoff], ChatForm.All.Values.Where(f => f.Interrupts).Select(f => f.Intent));
    }
}
