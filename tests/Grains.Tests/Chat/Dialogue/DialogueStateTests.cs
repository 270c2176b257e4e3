using System.Reflection;
using CrmChatbot.Chat.Dialogue;
using CrmChatbot.Chat.Language;

namespace CrmChatbot.Grains.Tests.Chat.Dialogue;

public class DialogueStateTests
{
    [Fact]
    public void A_copy_is_the_same_memory()
    {
        var state = new DialogueState { PendingIntent = Intent.BookMeeting, ExpectedSlot = "date", Misses = 1, TimeZone = "Europe/Paris" };
        state.Slots["email"] = "ada@example.com";
        state.Created["lead"] = "lead-1";

        Assert.True(state.Copy().SameAs(state));
        Assert.True(new DialogueState().SameAs(new DialogueState()));
    }

    // The chat session skips storing a memory that is the SameAs the stored one: a field SameAs ignored
    // would be lost. Every property must count, including ones added later.
    [Fact]
    public void A_change_to_any_property_is_a_different_memory()
    {
        var properties = typeof(DialogueState).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        Assert.NotEmpty(properties);
        foreach (var property in properties)
        {
            var original = new DialogueState();
            var changed = original.Copy();
            Change(changed, property);

            Assert.False(changed.SameAs(original), $"{property.Name} is not compared");
            Assert.False(original.SameAs(changed), $"{property.Name} is not compared");
        }
    }

    private static void Change(DialogueState state, PropertyInfo property)
    {
        var type = property.PropertyType;
        object value = type switch
        {
            _ when type == typeof(string) => "changed",
            _ when type == typeof(bool) => !(bool)property.GetValue(state)!,
            _ when type == typeof(int) => (int)property.GetValue(state)! + 1,
            _ when type == typeof(Intent?) => Intent.OpenTicket,
            _ when type == typeof(Dictionary<string, string>) => new Dictionary<string, string> { ["key"] = "value" },
            _ when type == typeof(List<string>) => new List<string> { "changed" },
            _ => throw new InvalidOperationException($"{property.Name}: teach this test to change a {type}"),
        };
        property.SetValue(state, value);
    }
}
