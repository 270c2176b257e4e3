using CrmChatbot.Chat.Language;

namespace CrmChatbot.Grains.Tests.Chat;

public sealed class FaqKnowledgeTests
{
    private const string Json = """
        {
          "entries": [
            { "id": "hours", "questions": ["What are your opening hours?", "When are you open?"], "keywords": ["weekend"], "answer": "9 to 5." },
            { "id": "refunds", "questions": ["Can I get a refund?"], "answer": "Within 30 days." }
          ]
        }
        """;

    [Fact]
    public void The_sample_file_loads_with_the_topics_the_bot_promises()
    {
        var ids = LanguageTestSupport.Faq.Entries.Select(e => e.Id).ToList();
        Assert.Contains("opening-hours", ids);
        Assert.Contains("pricing", ids);
        Assert.Contains("support-hours", ids);
        Assert.Contains("data-privacy", ids);
        Assert.Contains("integrations", ids);
        Assert.All(LanguageTestSupport.Faq.Entries, e => Assert.False(string.IsNullOrWhiteSpace(e.Answer)));
    }

    [Theory]
    [InlineData("what are your openning hours", "hours")]
    [InlineData("open on the weekend?", "hours")]
    [InlineData("can i get my money back, a refund?", "refunds")]
    public void Matches_by_overlap_tolerating_typos_and_word_forms(string question, string id)
    {
        Assert.Equal(id, FaqKnowledge.FromJson(Json).Match(question)?.Entry.Id);
    }

    [Theory]
    [InlineData("the weather is nice")]
    [InlineData("book a meeting tomorrow")]
    public void Unrelated_text_stays_below_the_threshold(string text)
    {
        Assert.Null(FaqKnowledge.FromJson(Json).Match(text));
    }

    [Fact]
    public void An_entry_without_questions_or_answer_is_rejected()
    {
        Assert.Throws<InvalidDataException>(() => FaqKnowledge.FromJson("""{ "entries": [ { "id": "x", "questions": [], "answer": "" } ] }"""));
    }

    [Fact]
    public void The_engine_reports_the_matched_entry()
    {
        var a = LanguageTestSupport.Engine.Analyze("Are you GDPR compliant?", LanguageTestSupport.Context());
        Assert.Equal(Intent.Faq, a.Intent);
        Assert.Equal("data-privacy", a.Faq?.Entry.Id);
        Assert.Equal("data-privacy", a.Slots[SlotKeys.FaqId]);
    }

    [Fact]
    public void Without_a_knowledge_base_there_is_no_faq_intent()
    {
        var a = LanguageTestSupport.Engine.Analyze("Are you GDPR compliant?", new ChatContext(LanguageTestSupport.Now));
        Assert.NotEqual(Intent.Faq, a.Intent);
    }
}
