namespace CrmChatbot.Chat.Language;

/// <summary>A phrase (words in normalized form) that votes for an intent with a weight.</summary>
public sealed record LexiconEntry(Intent Intent, string[] Words, double Weight);

/// <summary>
/// Weighted keywords and phrases per intent. Every matching phrase adds its weight; the engine adds rule-based
/// votes (a ticket number, a time, contact details) on top. Weights: 4-5 decisive phrase, 3 strong word,
/// 1-2 supporting word.
/// </summary>
public static class IntentLexicon
{
    private static readonly (Intent Intent, double Weight, string Phrases)[] Table =
    [
        (Intent.Greeting, 2, "hi;hello;hey;hiya;howdy;greetings;yo;good morning;good afternoon;good evening;hi there;hey there"),
        (Intent.Help, 2.5, "help"),
        (Intent.Help, 5, "what can you do;what do you do;what can i ask;how does this work;what are my options;menu;commands;what can this;what can it do;i don't understand;don't know what to do;how do i use this"),
        (Intent.Help, 1.5, "need help;options;can you help"),
        (Intent.Help, 5, "what else can you do;what are you able to do;what are your capabilities;what are you for;what can i do here;how do i use you"),
        (Intent.Help, 4, "features;what you can do;what can you help;can you do anything;what kind of things;what to type;what to write;what to ask;what should i ask;list of what you"),
        (Intent.CreateLead, 3, "interested;demo;quote;buy;purchase;sign up;contact me;get in touch;reach out;learn more;know more;talk to sales;partnership"),
        (Intent.CreateLead, 2.5, "looking for;shopping for;licensing;considering;switching;sales;trial;offer;call me"),
        (Intent.CreateLead, 2, "pricing;licenses;license;licence;subscribe;evaluating;reach me;enterprise plan"),
        (Intent.CreateLead, 1.5, "subscription;seats;send;solution;crm;information;callback;get back to me;show us;info;the product;your product;call me back"),
        (Intent.CreateLead, 3, "try it out;try out;test drive"),
        (Intent.BookMeeting, 3, "book;schedule;meet;on the calendar;in the calendar;in my calendar;can we talk;are you free;are you available;have time"),
        (Intent.BookMeeting, 3, "arrange;organize;organise;reserve;set a time"),
        (Intent.BookMeeting, 2.5, "appointment"),
        (Intent.BookMeeting, 2, "meeting;set up;workshop;catch up"),
        (Intent.BookMeeting, 1.5, "call;slot;book a demo"),
        (Intent.OpenTicket, 4, "open a ticket;file a ticket;create a ticket;raise a ticket;new ticket;support ticket"),
        (Intent.OpenTicket, 3, "problem;issue;bug;broken;not working;stopped working;doesn't work;does not work;isn't working;error;crash;crashes;crashing;fails;failed;failing;outage;can't log;cannot log;never arrives;never arrived;doesn't load;won't load;something is wrong;nothing happens;need support;glitch;logs me out;logging me out;permission denied;charged twice;double charged;overcharged;cannot access;can't access"),
        (Intent.OpenTicket, 3, "disappeared;vanished;shows nothing;nothing loads;nothing shows;does nothing;won't open;doesn't open;not being sent;isn't sending;not arriving;billed twice;charged double;stopped syncing"),
        (Intent.OpenTicket, 2, "after the update;since the update;after i updated;since yesterday"),
        (Intent.OpenTicket, 2, "fail;not being;slow;report a bug;keeps;wrong;stopped;log in;incorrect;refund;freezes;freeze;gives me;empty;blank;missing;disappeared;denied;locked out"),
        (Intent.OpenTicket, 1.5, "ticket;support;fix;down;blocking"),
        (Intent.OpenTicket, 1, "can't;cannot;urgent;asap;critical;important"),
        (Intent.TicketStatus, 4, "my ticket;my tickets;my support request;status of my;my case"),
        (Intent.TicketStatus, 3, "status;any update;any news;any progress;i reported;what happened with;what's happening with;happening with;where are we with;my request;open tickets;any tickets;still waiting"),
        (Intent.TicketStatus, 2, "progress;resolved;closed;follow up;check on;my issue;did you fix;update on;latest on"),
        (Intent.TicketStatus, 1, "yet;looked at;fixed;opened"),
        (Intent.ListMeetings, 4, "what meetings;which meetings;my upcoming;my schedule;am i booked"),
        (Intent.ListMeetings, 3, "any meetings;my calendar;my scheduled;remind me"),
        (Intent.ListMeetings, 3, "is my meeting;time is my;when we're meeting;when are we meeting;when do we meet;scheduled for me;booked for me;i booked;we booked"),
        (Intent.ListMeetings, 2, "upcoming;calendar;scheduled;booked;when is my;coming up"),
        (Intent.CancelMeeting, 4, "can't make it;cannot make it;won't make it;not make it;couldn't make it;won't be able to;call off"),
        (Intent.CancelMeeting, 3, "get rid of;something came up"),
        (Intent.Cancel, 4, "never mind;nevermind;start over;start again;begin again;forget it;forget about it;from scratch;abort;scratch that;restart"),
        (Intent.Cancel, 3, "cancel;reset;stop"),
        (Intent.Cancel, 4, "nvm;forget that;forget about that;from the beginning;forget all that;forget everything;forget the whole thing;cancel the whole thing;scrap that;scrap it;changed my mind;change of plans;drop it;quit;i'll pass;not interested anymore;no longer interested;don't want to continue"),
        (Intent.Handoff, 5, "real person;human being;live agent;live chat"),
        (Intent.Handoff, 4, "human;agent;operator;representative;staff;someone i can talk to;escalate"),
        (Intent.Handoff, 3, "person;transfer me;manager;customer service;put me through"),
        (Intent.Handoff, 2, "connect me"),
        (Intent.Handoff, 1, "someone;talk to;speak to;speak with"),
        (Intent.Affirm, 3, "yes;yeah;ya;yep;yup;sure;correct;ok;okay;alright;absolutely;definitely;go ahead;please do;confirm;of course;exactly"),
        (Intent.Affirm, 4, "sounds good;sounds great;sounds perfect;that's right;that is right;that works;works for me;fine by me"),
        (Intent.Affirm, 4, "affirmative;looks right;looks good;looks correct;all correct;all good;is correct;is right;yes sir"),
        (Intent.Affirm, 3, "ja;si;oui;right;perfect;do it"),
        (Intent.Deny, 3, "no;nope;nah;wrong;incorrect;negative"),
        (Intent.Deny, 6, "definitely not;absolutely not;of course not;not at all;not right;not correct;isn't right;isn't correct"),
        (Intent.Deny, 4, "not really;that's wrong;no thank you;no thanks"),
        (Intent.Deny, 4, "not quite;nein;not what i said;not what i meant;don't want that;no way"),
        (Intent.Thanks, 3, "thanks;thank you;appreciated;appreciate;cheers"),
        (Intent.Thanks, 2, "thanks for your help"),
        (Intent.Goodbye, 3, "bye;goodbye;see you;see ya;cya;that's all;good night;farewell"),
        (Intent.Goodbye, 4, "have a nice day;have a good day;have a great day;talk to you later"),
        (Intent.Goodbye, 4, "ciao;catch you later;talk soon;speak soon;talk to you soon;have a good one;take care;gotta go;gotta run;i'm done;i'm off;signing off"),
        (Intent.Goodbye, 1, "later"),
    ];

    public static IReadOnlyList<LexiconEntry> Entries { get; } = Table
        .SelectMany(row => row.Phrases.Split(';').Select(p => new LexiconEntry(row.Intent, p.Split(' '), row.Weight)))
        .ToList();

    /// <summary>Words the typo corrector may correct towards, beyond the phrases: dates, slot cues, frequent words.</summary>
    public static IReadOnlyList<string> ExtraVocabulary { get; } =
    [
        "today", "tomorrow", "tonight", "morning", "afternoon", "evening", "noon", "midday", "midnight", "next", "week",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "minute", "minutes", "hour", "hours", "half", "quarter", "past", "o'clock",
        "email", "phone", "number", "name", "company", "ticket", "tickets", "meeting", "meetings", "appointments", "urgent", "priority",
        "important", "whenever", "rush", "high", "low", "medium", "normal", "asap", "blocking", "blocker", "critical", "emergency",
        "production", "delete", "drop", "remove", "cancel", "cancelled", "update", "status", "problem", "please", "thanks",
        "upcoming", "scheduled", "product", "price", "prices", "cost", "plan", "free", "password", "reset", "export", "data",
        "support", "available", "integration", "integrations", "hours", "opening", "open", "office", "offices", "located",
        "the", "and", "with", "this", "that", "have", "what", "when", "where", "which", "your", "about", "there", "their", "them",
        "then", "than", "from", "they", "been", "were", "will", "would", "could", "should", "does", "done", "make", "made", "like",
        "just", "some", "time", "times", "work", "works", "working", "want", "need", "know", "more", "much", "many", "also",
        "into", "only", "other", "over", "such", "team", "here", "very", "good", "great", "nice", "well", "back", "after",
        "before", "again", "every", "thing", "things", "first", "last", "long", "little", "same", "different", "still",
        "anyone", "anything", "everything", "something", "nothing", "someone", "everyone", "account", "settings", "users",
        "instead", "actually", "meant", "change", "sorry", "wait", "oops", "correction", "monkey", "weather", "life", "love",
        "mobile", "upload", "saving", "contacts", "leads", "invoice", "invoices", "login", "search", "function", "button",
        "dashboard", "report", "reports", "page", "emails", "sent", "send", "being", "keeps", "currency",
        "list", "show", "view", "see", "appointments", "calls", "session", "case", "cases", "tier", "info", "website",
        "quite", "booking", "bookings", "unbook", "stuff",
    ];
}
