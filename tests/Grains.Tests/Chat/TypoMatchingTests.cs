using CrmChatbot.Chat.Language;

namespace CrmChatbot.Grains.Tests.Chat;

public sealed class TypoMatchingTests
{
    [Theory]
    [InlineData("meating", "meeting", 1)]
    [InlineData("tikcet", "ticket", 1)]
    [InlineData("tommorow", "tomorrow", 2)]
    [InlineData("ticket", "ticket", 0)]
    [InlineData("abc", "xyz", 3)]
    public void Damerau_levenshtein_counts_a_transposition_as_one_edit(string a, string b, int distance)
    {
        Assert.Equal(distance, EditDistance.DamerauLevenshtein(a, b));
    }

    [Fact]
    public void Distance_stops_early_above_the_budget()
    {
        Assert.True(EditDistance.DamerauLevenshtein("production", "xyz", 2) > 2);
    }

    [Theory]
    [InlineData("meating", "meeting")]
    [InlineData("tommorow", "tomorrow")]
    [InlineData("tikcet", "ticket")]
    [InlineData("emial", "email")]
    [InlineData("urgnet", "urgent")]
    [InlineData("wendesday", "wednesday")]
    [InlineData("schedual", "schedule")]
    [InlineData("cancle", "cancel")]
    [InlineData("humen", "human")]
    [InlineData("thx", "thanks")]
    [InlineData("banana", "banana")]
    [InlineData("bug", "bug")]
    [InlineData("cat", "cat")]
    public void Known_words_are_repaired_and_unknown_ones_left_alone(string typed, string expected)
    {
        Assert.Equal(expected, LanguageTestSupport.Engine.Normalizer.Correct(typed));
    }

    [Theory]
    [InlineData(3, 0)]
    [InlineData(4, 1)]
    [InlineData(7, 1)]
    [InlineData(8, 2)]
    public void Typo_budget_grows_with_word_length(int length, int budget)
    {
        Assert.Equal(budget, TextNormalizer.MaxTypos(length));
    }

    [Theory]
    [InlineData("I want to book a meating tommorow at 3pm", Intent.BookMeeting)]
    [InlineData("i need to open a tikcet, urgnet", Intent.OpenTicket)]
    [InlineData("staus of my tikcet", Intent.TicketStatus)]
    [InlineData("let me talk to a humen", Intent.Handoff)]
    public void Typos_do_not_change_the_intent(string text, Intent intent)
    {
        Assert.Equal(intent, LanguageTestSupport.Engine.Analyze(text, LanguageTestSupport.Context()).Intent);
    }
}
