using CrmChatbot.Chat.Language;

namespace CrmChatbot.Grains.Tests.Chat;

public sealed class SlotExtractorTests
{
    [Fact]
    public void Emails_are_lower_cased_without_trailing_punctuation()
    {
        Assert.Equal("ada.lovelace@example.com", Assert.Single(SlotExtractors.Emails("Mail: Ada.Lovelace@Example.COM.")).Value);
    }

    [Theory]
    [InlineData("+49 (30) 1234-5678", "+493012345678")]
    [InlineData("phone 0049 89 123456", "+4989123456")]
    [InlineData("call me on 555-0100", "5550100")]
    [InlineData("(415) 555-2671", "4155552671")]
    public void Phones_are_digits_with_a_known_country_code_as_plus(string text, string phone)
    {
        Assert.Equal(phone, Assert.Single(SlotExtractors.Phones(text, expected: false)).Value);
    }

    [Theory]
    [InlineData("meeting 2026-12-03 14:30")]
    [InlineData("we are 25 people with 1200 leads")]
    [InlineData("ticket 1042")]
    public void Dates_counts_and_ticket_numbers_are_not_phones(string text)
    {
        Assert.Empty(SlotExtractors.Phones(text, expected: false));
    }

    [Theory]
    [InlineData("status of T-1042?", "T-1042")]
    [InlineData("is t1042 done", "T-1042")]
    [InlineData("any update on #1042", "T-1042")]
    [InlineData("ticket number 0077", "T-77")]
    public void Ticket_numbers_take_one_form(string text, string number)
    {
        Assert.Equal(number, SlotExtractors.TicketNumber(text, expected: false)?.Value);
    }

    [Fact]
    public void A_bare_number_is_a_ticket_number_only_when_asked_for()
    {
        Assert.Null(SlotExtractors.TicketNumber("1042", expected: false));
        Assert.Equal("T-1042", SlotExtractors.TicketNumber("1042", expected: true)?.Value);
    }

    [Theory]
    [InlineData("our production is down", "urgent")]
    [InlineData("fix asap please", "urgent")]
    [InlineData("it's blocking the team", "urgent")]
    [InlineData("not urgent, whenever", "low")]
    [InlineData("no rush", "low")]
    [InlineData("important: invoices are wrong", "high")]
    [InlineData("high priority", "high")]
    [InlineData("the page is slow", null)]
    public void Priorities(string text, string? priority)
    {
        Assert.Equal(priority, SlotExtractors.Priority(text, expected: false));
    }

    [Theory]
    [InlineData("Hi, I'm Ada Lovelace from Acme", "Ada Lovelace")]
    [InlineData("my name is john o'neil", "John O'Neil")]
    [InlineData("This is Bob, from sales", "Bob")]
    [InlineData("the name is Ada King not Ada Lovelace", "Ada King")]
    [InlineData("I'm interested in a demo", null)]
    [InlineData("i'm having trouble logging in", null)]
    public void Names_need_a_cue_and_a_capital_unless_stated_as_a_name(string text, string? name)
    {
        Assert.Equal(name, SlotExtractors.Name(text));
    }

    [Theory]
    [InlineData("I'm Ada from Acme Ltd, ada@acme.io", "Acme Ltd")]
    [InlineData("I work for globex corporation", "Globex Corporation")]
    [InlineData("Marie Curie at Radium Inc. We'd love a demo", "Radium Inc")]
    [InlineData("the company is actually Acme Industries", "Acme Industries")]
    [InlineData("let's meet at noon", null)]
    [InlineData("call me at 3pm on Monday", null)]
    [InlineData("I'm working from home", null)]
    public void Companies(string text, string? company)
    {
        Assert.Equal(company, SlotExtractors.Company(text));
    }

    [Theory]
    [InlineData("Hi, the app crashes when I upload a CSV. Please fix it", "The app crashes when I upload a CSV")]
    [InlineData("login not working!!", "Login not working")]
    public void Ticket_subject_is_the_first_sentence_without_greeting(string text, string subject)
    {
        Assert.Equal(subject, SlotExtractors.Subject(text));
    }

    [Fact]
    public void Long_subjects_are_cut_at_a_word()
    {
        var subject = SlotExtractors.Subject(string.Join(' ', Enumerable.Repeat("export", 30)));
        Assert.True(subject.Length <= 81);
        Assert.EndsWith("…", subject, StringComparison.Ordinal);
    }
    [Theory]
    [InlineData("Ola Nordmann, Nordlys AS, ola@nordlys.example", "Ola Nordmann", "Nordlys AS")]
    [InlineData("ola@nordlys.example\nNordlys AS\nOla Nordmann", "Ola Nordmann", "Nordlys AS")]
    [InlineData("Nordlys AS; +47 912 34 567; ola nordmann", "Ola Nordmann", "Nordlys AS")]
    [InlineData("per olsen, bergen bryggeri, per@bryggeri.example", "Per Olsen", "Bergen Bryggeri")]
    public void A_contact_list_in_any_order_gives_name_and_company(string text, string name, string company)
    {
        var engine = LanguageTestSupport.Engine;
        var slots = engine.Analyze(text, LanguageTestSupport.Context(pending: Intent.CreateLead, expected: SlotKeys.Name)).Slots;
        Assert.Equal(name, slots[SlotKeys.Name]);
        Assert.Equal(company, slots[SlotKeys.Company]);
    }

    [Theory]
    [InlineData("sorry, my name is Ola Nordmann")]
    [InlineData("hi, we'd like a quote, please")]
    [InlineData("yes, that's right")]
    public void A_sentence_with_commas_is_not_a_contact_list(string text)
    {
        Assert.Empty(SlotExtractors.ContactList(text, [SlotKeys.Name, SlotKeys.Company]));
    }

    [Theory]
    [InlineData("i'm per from bergen bryggeri", "Per", "Bergen Bryggeri")]
    [InlineData("Hi, this is Ola Nordmann at Nordlys AS, we need a quote", "Ola Nordmann", "Nordlys AS")]
    public void Im_x_from_y_gives_name_and_company(string text, string name, string company)
    {
        Assert.Equal((name, company), SlotExtractors.NameFromCompany(text));
    }

    [Theory]
    [InlineData("My name is Pham Minh An", "Pham Minh An")]
    [InlineData("my name is jan van der berg", "Jan van der Berg")]
    [InlineData("I'm Maria de la Cruz, we need a quote", "Maria de la Cruz")]
    [InlineData("my name is Ana Sofía de la Fuente", "Ana Sofía de la Fuente")]
    [InlineData("this is Tran Thi In speaking", "Tran Thi In")]
    public void Names_of_three_to_five_words_are_kept_whole(string text, string name)
    {
        Assert.Equal(name, SlotExtractors.Name(text));
    }

    [Theory]
    [InlineData("my name is ada lovelace i'd like a demo", "Ada Lovelace")]
    [InlineData("I'm Ada Lovelace From Acme", "Ada Lovelace")]
    [InlineData("my name is Ann Bea Cleo Dora Emma Fay Gina", "Ann Bea Cleo Dora Emma")]
    [InlineData("I'm Ada de", "Ada")]
    public void A_long_name_still_stops_at_the_next_clause_or_five_words(string text, string name)
    {
        Assert.Equal(name, SlotExtractors.Name(text));
    }

    [Theory]
    [InlineData("Ana Sofía de la Fuente", "Ana Sofía de la Fuente")]
    [InlineData("pieter van den broek", "Pieter van den Broek")]
    [InlineData("Ann Bea Cleo Dora Emma Fay", null)]
    public void A_bare_name_may_have_up_to_five_words(string text, string? name)
    {
        Assert.Equal(name, SlotExtractors.BareName(text));
    }

    [Theory]
    [InlineData("Perfect, thanks. Could your sales team reach me? Kari Nilsen, kari@fjord.example, Fjord Data", "Kari Nilsen", "Fjord Data")]
    [InlineData("Sounds good! Please pass my details on: Tran Thi In, in@saigon-tea.example, Saigon Tea", "Tran Thi In", "Saigon Tea")]
    [InlineData("ok. sales contact please. Jan van der Berg; +31 20 123 4567; Berg & Zonen", "Jan van der Berg", "Berg & Zonen")]
    [InlineData("Ada Lovelace, Acme Inc. ada@acme.io", "Ada Lovelace", "Acme Inc")]
    [InlineData("Ada Lovelace, Studio 42, ada@studio42.example", "Ada Lovelace", "Studio 42")]
    public void A_contact_list_after_a_request_sentence_is_read_like_a_list_alone(string text, string name, string company)
    {
        var slots = LanguageTestSupport.Engine.Analyze(text, LanguageTestSupport.Context()).Slots;
        Assert.Equal(name, slots[SlotKeys.Name]);
        Assert.Equal(company, slots[SlotKeys.Company]);
    }

    [Theory]
    [InlineData("I'm having trouble with the export")]
    [InlineData("I'm writing from home")]
    public void A_state_from_somewhere_is_not_a_name(string text)
    {
        Assert.Null(SlotExtractors.NameFromCompany(text));
    }
}
