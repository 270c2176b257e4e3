using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CrmChatbot.Chat.Language.Semantic;

namespace CrmChatbot.Chat.Language;

/// <summary>How one message was read (for tests and the corpus report).</summary>
/// <param name="RulesIntent">The rules' own best intent, before context and embeddings.</param>
/// <param name="ContextDecided">The dialogue context settled the intent (an answer, a yes/no, a correction).</param>
/// <param name="Semantic">The classifier's reading when the model was consulted; null when it was not.</param>
internal sealed record Reading(Analysis Analysis, Intent RulesIntent, double TopScore, double SecondScore, bool ContextDecided, SemanticMatch? Semantic)
{
    /// <summary>The rules' runner-up intent.</summary>
    public Intent SecondIntent { get; init; }
}

/// <summary>
/// Offline, deterministic language understanding: one call per user message, no state of its own.
/// Pipeline: mask emails/phones/ticket numbers, normalize and typo-correct, extract slots, score intents
/// from the lexicon plus rules, then let the dialogue context decide bare answers and corrections.
/// </summary>
public sealed partial class LanguageEngine
{
    // Earlier wins a tie: specific tasks before generic small talk.
    private static readonly Intent[] TieOrder =
    [
        Intent.Handoff, Intent.CancelMeeting, Intent.TicketStatus, Intent.OpenTicket, Intent.BookMeeting, Intent.ListMeetings,
        Intent.CreateLead, Intent.Faq, Intent.Cancel, Intent.Help, Intent.Goodbye, Intent.Thanks, Intent.Deny, Intent.Affirm,
        Intent.Greeting, Intent.Unknown,
    ];

    private static readonly HashSet<Intent> ControlIntents = [Intent.Cancel, Intent.Handoff, Intent.Thanks, Intent.Goodbye, Intent.Help];

    private static readonly HashSet<string> MeetingNouns = new(StringComparer.Ordinal)
    {
        "meeting", "meetings", "appointment", "appointments", "call", "calls", "demo", "demos", "session", "workshop", "one", "booking", "bookings",
    };

    private static readonly HashSet<string> CancelVerbs = new(StringComparer.Ordinal) { "cancel", "delete", "drop", "remove", "cancelled", "unbook" };

    // Words after which "my"/"the" meeting is one already booked rather than the one being set up.
    private static readonly HashSet<string> OwnMeetingWords = new(StringComparer.Ordinal) { "my", "our", "next", "upcoming" };

    private static readonly HashSet<string> QuestionStarts = new(StringComparer.Ordinal)
    {
        "what", "what's", "how", "when", "where", "which", "who", "why", "do", "does", "is", "are", "can", "could", "will", "would",
    };

    /// <summary>Longer messages are analyzed by their first this-many characters.</summary>
    public const int MaxInputLength = 4000;

    /// <summary>Below this score nothing is understood.</summary>
    private const double MinScore = 2.0;

    /// <summary>The rules are sure at this score or more, with <see cref="SureMargin"/> over the runner-up.</summary>
    public const double SureScore = 4.0;

    /// <summary>How far the rules' best intent must lead the second for the rules to decide alone.</summary>
    public const double SureMargin = 1.5;

    /// <summary>Messages of at most this many words are sure with one decisive keyword ("yes", "cancel", "thanks").</summary>
    public const int ShortMessageWords = 3;

    /// <summary>Below this similarity to its nearest example the semantic reading is ignored (fallback to the rules).</summary>
    public const double SemanticThreshold = 0.4;

    /// <summary>The similarity the model needs to pick an intent that is neither of the rules' two best candidates.</summary>
    public const double SemanticOverruleThreshold = 0.6;

    private readonly TextNormalizer normalizer;
    private readonly SemanticIntentClassifier? semantic;

    /// <summary>Tests only: other thresholds than the shipped ones (leave-one-out calibration of the decision rule).</summary>
    internal (double Similarity, double Overrule) Thresholds { get; init; } = (SemanticThreshold, SemanticOverruleThreshold);

    /// <summary>Tests only: consult the model even when the rules are sure (to calibrate the decision rule).</summary>
    internal static bool ConsultAlways { get; set; }

    /// <param name="semantic">The embedding layer; null: the rules alone (CHAT_EMBEDDINGS=off).</param>
    public LanguageEngine(SemanticIntentClassifier? semantic = null)
    {
        var vocabulary = IntentLexicon.Entries.SelectMany(e => e.Words).Concat(IntentLexicon.ExtraVocabulary);
        normalizer = new TextNormalizer(vocabulary);
        this.semantic = semantic;
    }

    public TextNormalizer Normalizer => normalizer;

    /// <summary>True when this engine has an embedding layer configured (it may still turn out unavailable).</summary>
    public bool HasSemanticLayer => semantic is not null;

    /// <summary>Loads the embedding model and example vectors now; false when there is no usable semantic layer.</summary>
    public bool WarmUp() => semantic?.Warm() ?? false;

    public Analysis Analyze(string text, ChatContext context) => Read(text, context, null).Analysis;

    /// <summary>
    /// The analysis plus how it was reached: the rules' own reading, whether the dialogue context decided, and the
    /// semantic match when the model was consulted. <paramref name="leaveOut"/>: an example text the classifier
    /// ignores (leave-one-out scoring of the tuning corpus).
    /// </summary>
    internal Reading Read(string text, ChatContext context, string? leaveOut)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Chat messages are short; the cap bounds the regex work a pasted log file could cause.
        var raw = (text ?? "").Trim();
        if (raw.Length > MaxInputLength)
        {
            raw = raw[..MaxInputLength];
        }

        var slots = new Dictionary<string, string>(StringComparer.Ordinal);
        if (raw.Length == 0)
        {
            return new Reading(new Analysis(Intent.Unknown, 0, slots, false), Intent.Unknown, 0, 0, false, null);
        }

        var expected = context.ExpectedSlot;
        var masked = new StringBuilder(raw);
        var emails = SlotExtractors.Emails(raw);
        if (emails.Count > 0)
        {
            slots[SlotKeys.Email] = emails[0].Value;
            Mask(masked, emails);
        }

        var phones = SlotExtractors.Phones(masked.ToString(), expected == SlotKeys.Phone);
        if (phones.Count > 0)
        {
            slots[SlotKeys.Phone] = phones[0].Value;
            Mask(masked, phones);
        }

        var ticket = SlotExtractors.TicketNumber(masked.ToString(), expected == SlotKeys.TicketNumber);
        if (ticket is not null)
        {
            slots[SlotKeys.TicketNumber] = ticket.Value;
            Mask(masked, [ticket]);
        }

        var maskedText = masked.ToString();
        var norm = normalizer.Normalize(maskedText);
        var zone = TimeZones.Find(context.TimeZone) ?? TimeZoneInfo.Utc;
        var temporal = DateTimeParser.Parse(norm.Corrected, context.Now, zone);

        if (SlotExtractors.Priority(norm.Corrected, expected == SlotKeys.Priority) is { } priority)
        {
            slots[SlotKeys.Priority] = priority;
        }

        if (SlotExtractors.Name(maskedText) is { } name)
        {
            slots[SlotKeys.Name] = name;
        }

        if (SlotExtractors.Company(maskedText) is { } company)
        {
            slots[SlotKeys.Company] = company;
        }

        // "i'm per from bergen bryggeri": lower case counts when the bot asked for exactly this.
        if (SlotExtractors.NameFromCompany(maskedText) is { } person &&
            (expected is SlotKeys.Name or SlotKeys.Company || person.Name.Split(' ').All(w => maskedText.Contains(w, StringComparison.Ordinal))))
        {
            slots.TryAdd(SlotKeys.Name, person.Name);
            slots.TryAdd(SlotKeys.Company, person.Company);
        }

        // A contact as a list ("Ola Nordmann, Nordlys AS, ola@nordlys.example"): only with an email or phone in it, or
        // as the answer to a contact question, so an ordinary sentence with commas is not read as one.
        if (slots.ContainsKey(SlotKeys.Email) || slots.ContainsKey(SlotKeys.Phone) || expected is SlotKeys.Name or SlotKeys.Company or SlotKeys.Email or SlotKeys.Phone)
        {
            var known = context.Slots ?? new Dictionary<string, string>();
            string[] order = [.. new[] { SlotKeys.Name, SlotKeys.Company }.OrderBy(k => known.ContainsKey(k) && k != expected)];
            foreach (var (key, value) in SlotExtractors.ContactList(maskedText, order))
            {
                slots.TryAdd(key, value);
            }
        }

        if (SlotExtractors.Need(norm) is { } need)
        {
            slots[SlotKeys.Need] = need;
        }

        ResolveTemporal(temporal, context, slots);
        if (expected == SlotKeys.MeetingRef && MeetingRef(raw, temporal) is { } answeredRef)
        {
            slots[SlotKeys.MeetingRef] = answeredRef;
        }

        var scores = Score(norm, temporal, slots);
        var faq = context.Faq?.Match(norm.Corrected);
        if (faq is not null)
        {
            // Only the part of the match above chance counts, so one shared topic word ("export", "open") does not
            // outvote a problem report; a question form is the strongest sign the visitor wants information.
            scores[Intent.Faq] = IsQuestion(norm) ? 7 * (faq.Score - 0.3) + 1.5 : 5 * (faq.Score - 0.3);
        }

        var (top, topScore, second) = Best(scores);
        var secondIntent = TieOrder.OrderByDescending(i => scores[i]).Skip(1).First();
        var intent = topScore >= MinScore ? top : Intent.Unknown;
        var rulesIntent = intent;
        var confidence = intent == Intent.Unknown ? 0 : topScore / (topScore + 2) * (0.5 + 0.5 * Math.Min(1, (topScore - second) / topScore));
        var isCorrection = false;
        var contextDecided = false;

        // Dialogue context: bare answers to the bot's question, and corrections of what was said before.
        var pending = context.PendingIntent;
        if (pending is { } p)
        {
            var control = ControlIntents.Contains(intent) && topScore >= 3;

            // "yup, book it" while the bot waits for a confirmation is a yes, not a new request.
            if (intent == p && norm.Tokens.Count <= 4 && norm.Tokens.Count > 0 && YesNoStartRegex().Match(norm.Corrected) is { Success: true } yn)
            {
                intent = yn.Groups["no"].Success ? Intent.Deny : Intent.Affirm;
                confidence = 0.8;
                contextDecided = true;
            }

            FillBareAnswer(expected, raw, maskedText, slots, allowFreeText: !control && !(intent is Intent.Affirm or Intent.Deny && topScore >= 3 && norm.Tokens.Count <= 3));
            var contentSlots = slots.Keys.Where(k => k != SlotKeys.TimeZone).ToList();
            if (CorrectionCueRegex().IsMatch(norm.Corrected) && contentSlots.Count > 0 && !control)
            {
                intent = p;
                isCorrection = true;
                confidence = 0.85;
                contextDecided = true;
            }
            else if (NegatedAlternativeRegex().IsMatch(norm.Corrected) && intent != p && intent != Intent.Unknown && !control)
            {
                isCorrection = true;
                contextDecided = true;
            }
            else if (expected is not null && (slots.ContainsKey(expected) || (expected == SlotKeys.Start && slots.ContainsKey(SlotKeys.Date))) && !control)
            {
                intent = p;
                confidence = 0.9;
                contextDecided = true;
            }
        }

        // The semantic layer (see Chat/Language/README.md, "Decision rule"): consulted only when neither the dialogue
        // context nor the rules are sure. A message with an email, phone or ticket id is the rules' business.
        SemanticMatch? match = null;
        var words = norm.Tokens.Count(t => t.Norm.Any(char.IsLetter));
        var rulesSure = !ConsultAlways && (
            (topScore >= SureScore && topScore - second >= SureMargin) ||
            (words <= ShortMessageWords && topScore >= 3 && topScore - second >= 2) ||
            slots.ContainsKey(SlotKeys.Email) || slots.ContainsKey(SlotKeys.Phone) || slots.ContainsKey(SlotKeys.TicketNumber) ||
            // The rules read it as the task in progress ("friday at 10am" after a "no"), and the model may not
            // pick that task anyway: nothing to ask it.
            (pending is not null && top == pending && topScore > 0));
        if (semantic is not null && !contextDecided && !rulesSure && words > 0 && semantic.Classify(maskedText, leaveOut) is { } m)
        {
            match = m;
            // The model decides above the threshold, except that a third opinion against the rules' own two best
            // candidates needs the stronger similarity.
            // While a task is in progress, "sounds like that task" is no answer and no new request: only a different
            // intent (a question, a human, another task) is the model's to decide.
            // CancelMeeting needs a meeting or a time to cancel: "no no, cancel" sounds like it but is a plain Cancel.
            var decides = m.Similarity >= Thresholds.Similarity && m.Intent != pending &&
                          (intent == Intent.Unknown || m.Intent == top || m.Intent == secondIntent || m.Similarity >= Thresholds.Overrule) &&
                          (m.Intent != Intent.CancelMeeting || temporal.HasDateOrTime || norm.Tokens.Any(t => MeetingNouns.Contains(t.Norm)));
            if (decides && m.Intent != intent && SemanticFaq(m, faq, context) is var semanticFaq &&
                (m.Intent != Intent.Faq || semanticFaq is not null))
            {
                intent = m.Intent;
                faq = m.Intent == Intent.Faq ? semanticFaq : faq;
                confidence = m.Similarity * m.Share;
            }
        }

        // While a meeting is being booked, "cancel that booking" / "never mind the meeting" drops the booking in
        // progress; only "my / our / next meeting" or a day or time names one already booked.
        if (pending == Intent.BookMeeting && intent == Intent.CancelMeeting && !temporal.HasDateOrTime &&
            !norm.Tokens.Any(t => OwnMeetingWords.Contains(t.Norm)))
        {
            intent = Intent.Cancel;
        }

        FinishSlots(intent, raw, temporal, slots, context, faq);
        var analysis = new Analysis(intent, Math.Round(confidence, 3), slots, isCorrection, intent == Intent.Faq ? faq : null);
        return new Reading(analysis, rulesIntent, topScore, second, contextDecided, match) { SecondIntent = secondIntent };
    }

    /// <summary>The FAQ entry for a semantic FAQ reading: the text's own match, else the nearest example's entry if the knowledge has it.</summary>
    private static FaqMatch? SemanticFaq(SemanticMatch m, FaqMatch? textMatch, ChatContext context)
    {
        if (m.Intent != Intent.Faq)
        {
            return null;
        }

        if (textMatch is not null)
        {
            return textMatch;
        }

        return context.Faq?.Entries.FirstOrDefault(e => e.Id == m.FaqId) is { } entry ? new FaqMatch(entry, m.Similarity) : null;
    }

    private static void FillBareAnswer(string? expected, string raw, string masked, Dictionary<string, string> slots, bool allowFreeText)
    {
        switch (expected)
        {
            case SlotKeys.Name when !slots.ContainsKey(SlotKeys.Name) && allowFreeText && SlotExtractors.BareName(masked) is { } name:
                slots[SlotKeys.Name] = name;
                break;
            // A message that gives another contact detail ("sorry, my name is ...") is not the company's name.
            case SlotKeys.Company when !slots.ContainsKey(SlotKeys.Company) && allowFreeText && !slots.ContainsKey(SlotKeys.Name) &&
                                       !slots.ContainsKey(SlotKeys.Email) && !slots.ContainsKey(SlotKeys.Phone) && SlotExtractors.BareCompany(masked) is { } company:
                slots[SlotKeys.Company] = company;
                break;
            case SlotKeys.Need when allowFreeText:
                slots[SlotKeys.Need] = raw;
                break;
            case SlotKeys.Description when allowFreeText:
                slots[SlotKeys.Description] = raw;
                slots[SlotKeys.Subject] = SlotExtractors.Subject(raw);
                break;
            case SlotKeys.Subject when allowFreeText:
                slots[SlotKeys.Subject] = SlotExtractors.Subject(raw);
                break;
            default:
                break;
        }
    }

    /// <summary>Turns the parsed date/time into slots: an instant in UTC when both day and time are known, else the parts.</summary>
    private static void ResolveTemporal(TemporalExpression t, ChatContext context, Dictionary<string, string> slots)
    {
        if (t.DurationMinutes is { } minutes)
        {
            slots[SlotKeys.DurationMinutes] = minutes.ToString(CultureInfo.InvariantCulture);
        }

        var zoneId = t.ZoneId ?? (TimeZones.Find(context.TimeZone) is not null ? context.TimeZone : "UTC");
        if (t.ZoneId is not null)
        {
            slots[SlotKeys.TimeZone] = zoneId;
        }

        if (!t.HasDateOrTime)
        {
            return;
        }

        slots[SlotKeys.TimeZone] = zoneId;
        if (t.FromNow is { } offset)
        {
            slots[SlotKeys.Start] = FormatUtc(context.Now.UtcDateTime + offset);
            return;
        }

        // A correction like "make it 4pm" or "I meant Wednesday" keeps the other half of the earlier start.
        DateTime? previous = context.Slots is not null && context.Slots.TryGetValue(SlotKeys.Start, out var prev)
            && DateTimeOffset.TryParse(prev, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var prevInstant)
            ? TimeZoneInfo.ConvertTime(prevInstant, t.Zone).DateTime
            : null;

        var nowLocal = TimeZoneInfo.ConvertTime(context.Now, t.Zone).DateTime;
        if (t.Time is { } time)
        {
            DateOnly date;
            if (t.Date is { } d)
            {
                date = d;
            }
            else if (previous is { } pv)
            {
                date = DateOnly.FromDateTime(pv);
            }
            else
            {
                // A time alone means the next time the clock shows it: today if still ahead, else tomorrow.
                date = time.ToTimeSpan() > nowLocal.TimeOfDay ? t.Today : t.Today.AddDays(1);
            }

            slots[SlotKeys.Start] = FormatUtc(ToUtc(date.ToDateTime(time), t.Zone));
        }
        else if (t.Date is { } dateOnly)
        {
            if (previous is { } pv)
            {
                slots[SlotKeys.Start] = FormatUtc(ToUtc(dateOnly.ToDateTime(TimeOnly.FromDateTime(pv)), t.Zone));
            }
            else
            {
                slots[SlotKeys.Date] = dateOnly.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
        }
    }

    private static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // A wall-clock time skipped by a DST jump is read as the hour after it.
        if (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    private static string FormatUtc(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Keeps the slots that belong to the chosen intent and derives intent-specific ones.</summary>
    private static void FinishSlots(Intent intent, string raw, TemporalExpression t, Dictionary<string, string> slots, ChatContext context, FaqMatch? faq)
    {
        if (intent != Intent.CreateLead && context.ExpectedSlot != SlotKeys.Need)
        {
            slots.Remove(SlotKeys.Need);
        }

        switch (intent)
        {
            case Intent.OpenTicket when !slots.ContainsKey(SlotKeys.Description) && context.ExpectedSlot is null or SlotKeys.Description:
                slots[SlotKeys.Description] = raw;
                slots[SlotKeys.Subject] = SlotExtractors.Subject(raw);
                break;
            case Intent.CancelMeeting:
                slots.Remove(SlotKeys.Start);
                slots.Remove(SlotKeys.Date);
                slots.Remove(SlotKeys.DurationMinutes);
                slots.Remove(SlotKeys.TimeZone);
                if (MeetingRef(raw, t) is { } reference)
                {
                    slots[SlotKeys.MeetingRef] = reference;
                }

                break;
            case Intent.ListMeetings:
                slots.Remove(SlotKeys.Start);
                break;
            case Intent.Faq when faq is not null:
                slots[SlotKeys.FaqId] = faq.Entry.Id;
                break;
            default:
                break;
        }
    }

    /// <summary>"next", or "date:yyyy-MM-dd", "time:HH:mm", "date:yyyy-MM-dd time:HH:mm" in the session's wall-clock time.</summary>
    private static string? MeetingRef(string raw, TemporalExpression t)
    {
        var parts = new List<string>();
        if (t.Date is { } d)
        {
            parts.Add("date:" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        if (t.Time is { } time)
        {
            parts.Add("time:" + time.ToString("HH:mm", CultureInfo.InvariantCulture));
        }

        if (parts.Count > 0)
        {
            return string.Join(' ', parts);
        }

        return NextMeetingRegex().IsMatch(raw) ? "next" : null;
    }

    private static Dictionary<Intent, double> Score(NormalizedText norm, TemporalExpression temporal, Dictionary<string, string> slots)
    {
        var scores = Enum.GetValues<Intent>().ToDictionary(i => i, _ => 0.0);
        var words = ScoringWords(norm);
        var matched = IntentLexicon.Entries.Where(e => Contains(words, e.Words)).ToList();
        foreach (var entry in matched)
        {
            // A phrase inside a longer, at least as strong phrase of the same intent ("hi" in "hi there") is not a
            // second vote; weaker longer phrases ("need help") are deliberate boosters and add up.
            var covered = matched.Any(o => o.Intent == entry.Intent && o.Words.Length > entry.Words.Length && o.Weight >= entry.Weight && Contains([.. o.Words], entry.Words));
            if (!covered)
            {
                scores[entry.Intent] += entry.Weight;
            }
        }

        // Yes/no words only mean Affirm/Deny in short replies; in a sentence "no" and "sure" are filler.
        // Likewise "morning" greets only on its own, and "what do you do" asks for help only when it ends there.
        // A phrase of three words or more ("that's not what i said") is a reply however long the message.
        if (words.Count > 4)
        {
            foreach (var yesNo in (Intent[])[Intent.Affirm, Intent.Deny])
            {
                var phrases = matched.Where(e => e.Intent == yesNo && e.Words.Length >= 3).Sum(e => e.Weight);
                scores[yesNo] = ((scores[yesNo] - phrases) * 0.3) + phrases;
            }
        }

        if (words.Count > 2 && !words.Any(w => w is "hi" or "hello" or "hey" or "good"))
        {
            scores[Intent.Greeting] = 0;
        }

        if (words.Count <= 2 && words.Count > 0 && words[0] is "morning" or "evening" or "afternoon")
        {
            scores[Intent.Greeting] += 2;
        }

        // "can't save", "unable to export": something the user cannot do is a problem (but "can't make it" is a
        // cancellation, and so is "can't do / join the demo on friday": a meeting they cannot attend).
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words[i] is "can't" or "cannot" or "unable" or "couldn't" or "won't")
            {
                if (words[i + 1] is "do" or "join" or "attend" or "make" && words.Skip(i + 2).Take(3).Any(MeetingNouns.Contains))
                {
                    scores[Intent.CancelMeeting] += 4;
                    break;
                }

                if (words[i] != "won't" && words[i + 1] is not ("make" or "attend" or "come" or "wait"))
                {
                    scores[Intent.OpenTicket] += 2;
                    break;
                }
            }
        }

        // A long message mentions "help" in passing, unless it holds a decisive help phrase ("are you a bot? what can you do").
        if (words.Count > 6 && !matched.Any(e => e.Intent == Intent.Help && e.Weight >= 5))
        {
            scores[Intent.Help] *= 0.5;
        }

        // "help, the export crashes" reports a problem rather than asking what the bot can do.
        if (scores[Intent.OpenTicket] >= 3)
        {
            scores[Intent.Help] *= 0.5;
        }

        // "my demo", "my meetings": asking about one's own bookings.
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words[i] is "my" or "our" && (MeetingNouns.Contains(words[i + 1]) || (i + 2 < words.Count && MeetingNouns.Contains(words[i + 2]) && words[i + 1] is "next" or "upcoming")))
            {
                scores[Intent.ListMeetings] += 3;
                break;
            }
        }

        if (HttpErrorRegex().IsMatch(norm.Corrected))
        {
            scores[Intent.OpenTicket] += 2.5;
        }

        var meetingNoun = words.Any(MeetingNouns.Contains);
        var ticketNoun = words.Any(w => w is "ticket" or "tickets" or "request" or "issue") || slots.ContainsKey(SlotKeys.TicketNumber);
        if (words.Any(CancelVerbs.Contains) && (meetingNoun || temporal.HasDateOrTime))
        {
            scores[Intent.CancelMeeting] += 6;
            scores[Intent.Cancel] = 0;
        }
        else if (scores[Intent.CancelMeeting] > 0 && meetingNoun)
        {
            scores[Intent.CancelMeeting] += 2;
        }

        if (slots.ContainsKey(SlotKeys.TicketNumber))
        {
            scores[Intent.TicketStatus] += 3;
        }

        if (words.Any(w => w is "show" or "list" or "see" or "view") || Contains(words, ["do", "i", "have"]) || Contains(words, ["have", "i", "got"]))
        {
            if (ticketNoun)
            {
                scores[Intent.TicketStatus] += 2;
            }

            if (meetingNoun)
            {
                scores[Intent.ListMeetings] += 2;
            }
        }

        if (temporal.HasDateOrTime)
        {
            scores[Intent.BookMeeting] += 1.5;
        }

        if (temporal.DurationMinutes is not null)
        {
            scores[Intent.BookMeeting] += 1;
        }

        // Volunteered contact details mean "contact me"; a stated urgency means something is wrong.
        if (slots.ContainsKey(SlotKeys.Email) || slots.ContainsKey(SlotKeys.Phone))
        {
            scores[Intent.CreateLead] += 2.5;
        }

        if (slots.ContainsKey(SlotKeys.Priority))
        {
            scores[Intent.OpenTicket] += 2;
        }

        return scores;
    }

    /// <summary>
    /// Normalized words minus those negated by "not a ..." ("a demo, not a ticket" must not vote for tickets) and
    /// the verb of "not cancel / not book" ("book a meeting, not cancel one").
    /// </summary>
    private static List<string> ScoringWords(NormalizedText norm)
    {
        var words = norm.Tokens.Select(t => t.Norm).ToList();
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words[i] == "not" && i + 2 < words.Count && words[i + 1] is "a" or "an" or "the")
            {
                words[i + 2] = "";
            }
            else if (words[i] == "not" && (CancelVerbs.Contains(words[i + 1]) || words[i + 1] is "book" or "schedule"))
            {
                words[i + 1] = "";
            }
        }

        return words;
    }

    private static bool Contains(List<string> words, string[] phrase)
    {
        for (var i = 0; i + phrase.Length <= words.Count; i++)
        {
            var match = true;
            for (var j = 0; j < phrase.Length && match; j++)
            {
                match = words[i + j] == phrase[j];
            }

            if (match)
            {
                return true;
            }
        }

        return false;
    }

    private static (Intent Top, double TopScore, double Second) Best(Dictionary<Intent, double> scores)
    {
        var ordered = TieOrder.OrderByDescending(i => scores[i]).ToList();
        return (ordered[0], scores[ordered[0]], scores[ordered[1]]);
    }

    private static bool IsQuestion(NormalizedText norm) =>
        norm.Raw.TrimEnd().EndsWith('?') || (norm.Tokens.Count > 0 && QuestionStarts.Contains(norm.Tokens[0].Norm));

    private static void Mask(StringBuilder text, IEnumerable<Found> found)
    {
        foreach (var f in found)
        {
            for (var i = f.Index; i < f.Index + f.Length && i < text.Length; i++)
            {
                text[i] = ' ';
            }
        }
    }

    [GeneratedRegex(@"^\W*(?:no+|nope|nah|actually|sorry|oops|wait|correction|i meant|i mean|make it|make that|change it|change that|rather)\b|\b(?:i meant|actually|instead|correction|push it|move it)\b")]
    private static partial Regex CorrectionCueRegex();

    [GeneratedRegex(@"\b(?:error|gives|giving|get|getting|returns?|returning|shows?)\b.*\b[45]\d\d\b")]
    private static partial Regex HttpErrorRegex();

    [GeneratedRegex(@"\b(?:not|rather than|instead of) (?:a|an|the)\b")]
    private static partial Regex NegatedAlternativeRegex();

    [GeneratedRegex(@"^\W*(?:(?<no>no|nope|nah)|yes|yeah|yep|yup|sure|ok|okay|alright|absolutely|definitely)\b")]
    private static partial Regex YesNoStartRegex();

    [GeneratedRegex(@"\b(?:next|upcoming|first)\b", RegexOptions.IgnoreCase)]
    private static partial Regex NextMeetingRegex();
}
