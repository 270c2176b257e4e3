using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CrmChatbot.Chat.Language;

/// <summary>A value found in the raw text and where, so it can be masked before other extractors run.</summary>
public sealed record Found(string Value, int Index, int Length);

/// <summary>Pure slot extractors; each reads the raw text (with earlier finds masked) and returns normalized values.</summary>
public static partial class SlotExtractors
{
    private static readonly HashSet<string> NameStops = new(StringComparer.OrdinalIgnoreCase)
    {
        "from", "at", "with", "and", "not", "but", "or", "of", "here", "i", "i'm", "we", "the", "a", "an", "calling",
        "writing", "please", "your", "you", "my", "our", "in", "on", "for", "and", "email", "phone", "is", "by", "to",
    };

    // Of the words that end a name, the ones that end it even capitalized: they join the name to what follows
    // ("Ada From Acme"). The others ("An", "In", "On") are English function words but also names in other languages
    // (Vietnamese "An", Korean "In"), so written capitalized inside a name they belong to it.
    private static readonly HashSet<string> NameConnectors = new(StringComparer.OrdinalIgnoreCase)
    {
        "from", "at", "with", "and", "but", "or", "of", "here", "i", "i'm", "we", "the", "calling", "writing", "please",
        "your", "you", "my", "our", "for", "email", "phone", "is", "by", "to", "not",
    };

    // Surname particles (Dutch, German, Spanish, Portuguese, Italian, French...): lower case inside a name
    // ("Jan van der Berg", "Maria de la Cruz") even after a weak cue; kept as the user wrote them.
    private static readonly HashSet<string> NameParticles = new(StringComparer.Ordinal)
    {
        "van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "la", "le", "ter", "ten", "y", "zu", "vom", "af", "av",
    };

    /// <summary>Most words a name may have: long enough for "Ana Sofía de la Fuente", short enough not to take a sentence.</summary>
    public const int MaxNameWords = 5;

    // First words that turn "I'm ..." into a state, not a name.
    private static readonly HashSet<string> NotNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "interested", "intrested", "looking", "having", "not", "here", "sure", "fine", "good", "trying", "available", "calling",
        "writing", "sorry", "just", "also", "still", "new", "back", "done", "ready", "happy", "glad", "unable", "getting",
        "the", "a", "an", "from", "with", "at", "in", "on", "very", "so", "really", "confused", "wondering", "busy", "free",
        "broken", "urgent", "correct", "right", "wrong", "ok", "okay", "yes", "no", "it", "that", "this", "bob's",
    };

    // Words people put between "the company is" and the value: "the company is actually Acme".
    private static readonly HashSet<string> Fillers = new(StringComparer.OrdinalIgnoreCase) { "actually", "really", "now", "just", "called", "named" };

    private static readonly HashSet<string> CompanySuffixes = new(StringComparer.OrdinalIgnoreCase)
    {
        "ltd", "inc", "gmbh", "llc", "corp", "corporation", "ag", "plc", "co", "sa", "sas", "bv", "limited", "group", "labs", "&",
    };

    private static readonly HashSet<string> NotCompanies = new(StringComparer.OrdinalIgnoreCase)
    {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
        "may", "june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
        "jul", "aug", "sep", "sept", "oct", "nov", "dec", "noon", "midnight", "europe", "america", "asia", "home", "work",
        "the", "a", "an", "i", "my", "your", "our", "you", "me", "us", "all", "least", "first", "last", "once", "some", "any",
        "cet", "est", "pst", "gmt", "utc", "berlin", "london", "paris", "ticket", "tomorrow", "today", "tonight",
    };

    // Legal forms that end a company name in a contact list (Nordic, German, English, ...).
    private static readonly HashSet<string> ListCompanySuffixes = new(StringComparer.OrdinalIgnoreCase)
    {
        "as", "asa", "ab", "oy", "oyj", "aps", "a/s", "ltd", "inc", "gmbh", "llc", "corp", "corporation", "ag", "plc", "sa", "sas",
        "sarl", "srl", "spa", "bv", "nv", "limited", "group", "labs", "kg", "se", "pty", "co", "company", "gbr", "ug",
    };

    // Words that make a list item a sentence, a greeting or a request rather than a name or company.
    private static readonly HashSet<string> ListStopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "hi", "hello", "hey", "hiya", "thanks", "thank", "cheers", "regards", "yes", "no", "ok", "okay", "sure", "please", "need",
        "want", "like", "would", "could", "can", "demo", "quote", "price", "pricing", "offer", "meeting", "call", "ticket", "help",
        "we", "we'd", "i'd", "i'm", "it's", "its", "is", "are", "am", "be", "me", "us", "this", "that", "there", "name", "email",
        "phone", "company", "tomorrow", "today", "morning", "afternoon", "evening", "sales", "support", "interested", "looking",
        "sorry", "actually", "oops", "wait", "correction", "meant", "instead", "rather", "thx", "bye",
    };

    /// <summary>Email addresses, lower-cased; also the spelled-out "ada at example dot com".</summary>
    public static IReadOnlyList<Found> Emails(string text)
    {
        var found = EmailRegex().Matches(text).Select(m => new Found(m.Value.ToLowerInvariant(), m.Index, m.Length)).ToList();
        if (found.Count == 0)
        {
            found.AddRange(SpokenEmailRegex().Matches(text).Select(m => new Found(
                $"{m.Groups["user"].Value}@{m.Groups["domain"].Value.Replace(" dot ", ".", StringComparison.OrdinalIgnoreCase)}".ToLowerInvariant(), m.Index, m.Length)));
        }

        return found;
    }

    /// <summary>
    /// Phone numbers as digits with a leading '+' when the country code is known ("00" counts as '+').
    /// Without a '+', "00" or "(" prefix a phone cue must be in the text (or the bot must have asked for a phone),
    /// so numbers like dates, counts and ticket numbers are not taken for phones.
    /// </summary>
    public static IReadOnlyList<Found> Phones(string text, bool expected)
    {
        var cue = expected || PhoneCueRegex().IsMatch(text);
        var result = new List<Found>();
        foreach (Match m in PhoneRegex().Matches(text))
        {
            var value = m.Value.Trim();
            if (IsoDateRegex().IsMatch(value))
            {
                continue;
            }

            var digits = new string(value.Where(char.IsAsciiDigit).ToArray());
            var plus = value.StartsWith('+');
            if (!plus && digits.StartsWith("00", StringComparison.Ordinal))
            {
                digits = digits[2..];
                plus = true;
            }

            if (digits.Length is < 7 or > 15 || !(plus || value.StartsWith('(') || cue))
            {
                continue;
            }

            result.Add(new Found((plus ? "+" : "") + digits, m.Index, m.Length));
        }

        return result;
    }

    /// <summary>Ticket references "T-1042", "t1042", "#1042", "ticket (number|no) 1042" as "T-1042".</summary>
    public static Found? TicketNumber(string text, bool expected)
    {
        var m = TicketRegex().Match(text);
        // "invoice #5531" or "order #88" number other documents, not tickets.
        while (m.Success && OtherDocumentRegex().IsMatch(text[..m.Index]))
        {
            m = m.NextMatch();
        }

        if (m.Success)
        {
            var digits = m.Groups["n"].Value.TrimStart('0');
            return new Found("T-" + (digits.Length == 0 ? "0" : digits), m.Index, m.Length);
        }

        if (expected)
        {
            var bare = BareNumberRegex().Match(text);
            if (bare.Success)
            {
                return new Found("T-" + bare.Groups["n"].Value.TrimStart('0'), bare.Groups["n"].Index, bare.Groups["n"].Length);
            }
        }

        return null;
    }

    /// <summary>urgent | high | normal | low, from lower-cased, typo-corrected text.</summary>
    public static string? Priority(string corrected, bool expected)
    {
        if (LowPriorityRegex().IsMatch(corrected))
        {
            return "low";
        }

        if (UrgentRegex().IsMatch(corrected))
        {
            return "urgent";
        }

        if (HighRegex().IsMatch(corrected))
        {
            return "high";
        }

        if (expected)
        {
            if (BareHighRegex().IsMatch(corrected))
            {
                return "high";
            }

            if (BareLowRegex().IsMatch(corrected))
            {
                return "low";
            }

            if (BareNormalRegex().IsMatch(corrected))
            {
                return "normal";
            }
        }

        return null;
    }

    /// <summary>A person's name after "my name is", "I'm", "this is", properly capitalized.</summary>
    public static string? Name(string text)
    {
        text = TitleRegex().Replace(text, "");
        foreach (Match m in NameCueRegex().Matches(text))
        {
            // Without "my name is", only capitalized words count: "I'm Ada" is a name, "i'm having trouble" is not.
            var strong = m.Groups["strong"].Success;
            var run = NameRunRegex().Match(text, m.Index + m.Length);
            var picked = new List<string>();
            foreach (var word in run.Success ? run.Value.Split(' ') : [])
            {
                if (picked.Count == 0 && Fillers.Contains(word))
                {
                    continue;
                }

                var particle = picked.Count > 0 && NameParticles.Contains(word);
                // A request word after the name ("my name is ada lovelace i'd like a demo") starts the next clause.
                if (EndsName(word, picked.Count) || (picked.Count > 0 && ListStopWords.Contains(word)) || picked.Count == MaxNameWords ||
                    (!strong && !char.IsUpper(word[0]) && !particle))
                {
                    break;
                }

                picked.Add(word);
            }

            // "I'm Ada de" ends on a particle: the name stops before it.
            while (picked.Count > 1 && NameParticles.Contains(picked[^1]))
            {
                picked.RemoveAt(picked.Count - 1);
            }

            if (picked.Count > 0 && !NotNames.Contains(picked[0]))
            {
                return NameCase(picked);
            }
        }

        return null;
    }

    /// <summary>The whole (short) answer as a name, for when the bot has just asked for one.</summary>
    public static string? BareName(string text)
    {
        var stripped = TitleRegex().Replace(BareNamePrefixRegex().Replace(text.Trim(), ""), "").Trim().TrimEnd('.', '!', ',');
        var words = stripped.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is < 1 or > MaxNameWords || !words.All(w => NameTokenRegex().IsMatch(w)))
        {
            return null;
        }

        return NameCase(words);
    }

    /// <summary>A company after "from", "at", "I work for", "the company is".</summary>
    public static string? Company(string text)
    {
        foreach (Match m in CompanyCueRegex().Matches(text))
        {
            // After a bare "from"/"at" only capitalized words count, so "at noon" or "from home" are not companies.
            var strong = m.Groups["strong"].Success;
            var run = CompanyRunRegex().Match(text, m.Index + m.Length);
            var picked = new List<string>();
            foreach (var word in run.Success ? run.Value.Split(' ') : [])
            {
                if (picked.Count == 0 && Fillers.Contains(word))
                {
                    continue;
                }

                var suffix = CompanySuffixes.Contains(word);
                var capital = char.IsUpper(word[0]);
                if (picked.Count == 4 || (NameStops.Contains(word) && !suffix) || (!strong && !capital && !(suffix && picked.Count > 0)))
                {
                    break;
                }

                if (picked.Count == 0 && NotCompanies.Contains(word))
                {
                    break;
                }

                picked.Add(word);
            }

            if (picked.Count > 0)
            {
                return CompanyCase(string.Join(' ', picked));
            }
        }

        return null;
    }

    /// <summary>The answer as a company name, for when the bot has just asked for one.</summary>
    public static string? BareCompany(string text)
    {
        var stripped = BareCompanyPrefixRegex().Replace(text.Trim(), "").Trim().TrimEnd('.', '!', ',');
        return stripped.Length is > 0 and <= 80 ? CompanyCase(stripped) : null;
    }

    /// <summary>
    /// "I'm per from bergen bryggeri", "this is Ola at Nordlys AS": a name and a company in one clause. Unlike
    /// <see cref="Name"/> it accepts lower case, because the "X from Y" shape says what each part is.
    /// </summary>
    public static (string Name, string Company)? NameFromCompany(string text)
    {
        var m = NameFromCompanyRegex().Match(text);
        if (!m.Success)
        {
            return null;
        }

        var name = m.Groups["name"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var company = m.Groups["company"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .TakeWhile(w => !NameStops.Contains(w) || CompanySuffixes.Contains(w)).ToList();
        if (company.Count == 0 || name.Where((w, i) => EndsName(w, i) || ListStopWords.Contains(w)).Any() || NotNames.Contains(name[0]) ||
            NotCompanies.Contains(company[0]))
        {
            return null;
        }

        return (NameCase(name), CompanyCase(string.Join(' ', company)));
    }

    /// <summary>
    /// A contact written as a list, one item per comma, semicolon or line, in any order: "Ola Nordmann, Nordlys AS,
    /// ola@nordlys.example". Emails and phones are found (and masked) before; of the remaining items one ending in a
    /// company form (AS, Ltd, GmbH...) is the company, and the other name-like items fill <paramref name="order"/>
    /// (the slots still missing first). Items that read as a sentence are left to the other extractors.
    /// The list is looked for in each sentence or clause (". ", "? ", "! ", ": ", " - ") of the message on its own, so
    /// one that follows a request in the same message ("Can sales call me? Ola Nordmann, ola@nordlys.example,
    /// Nordlys") is read like a list sent alone.
    /// </summary>
    public static Dictionary<string, string> ContactList(string masked, IReadOnlyList<string> order)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var sentence in SentenceSplitRegex().Split(masked))
        {
            foreach (var (key, value) in ListIn(sentence, [.. order.Where(k => !found.ContainsKey(k))]))
            {
                found.TryAdd(key, value);
            }
        }

        return found;
    }

    /// <summary>The contact list of one sentence; empty when it is not one.</summary>
    private static Dictionary<string, string> ListIn(string masked, IReadOnlyList<string> order)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var items = ListSeparatorRegex().Split(masked).Select(i => i.Trim().Trim('.', '!', '-', '–', ':', ' ')).ToList();
        if (items.Count < 2)
        {
            return found;
        }

        var unlabeled = new List<string>();
        var recognized = items.Count(i => i.Length == 0); // a masked email or phone
        var sentences = 0;
        foreach (var item in items.Where(i => i.Length > 0))
        {
            var words = item.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > MaxNameWords || !words.All(w => ListWordRegex().IsMatch(w)) ||
                words.Where((w, i) => ListStopWords.Contains(w) || EndsName(w, i)).Any())
            {
                sentences++;
                continue;
            }

            recognized++;

            if (words.Length > 1 && ListCompanySuffixes.Contains(words[^1].TrimEnd('.')))
            {
                found.TryAdd(SlotKeys.Company, CompanyCase(item));
            }
            else if (words.All(w => NameTokenRegex().IsMatch(w)) && !NotCompanies.Contains(words[0]))
            {
                unlabeled.Add(item);
            }
            else if (words.All(w => NameTokenRegex().IsMatch(w)) && words.Length > 1 && char.IsUpper(words[0][0]))
            {
                // "Jan van der Berg", "May Lee": a month that is also a given name, capitalized before more name words.
                unlabeled.Add(item);
            }
            else if (char.IsLetter(item[0]) && item.Any(c => char.IsAsciiDigit(c) || c == '&') && !NotCompanies.Contains(words[0]))
            {
                // Digits or '&' ("Studio 42", "Berg & Sohn"): not a person, so the company.
                found.TryAdd(SlotKeys.Company, CompanyCase(item));
            }
        }

        // "sorry, my name is Ola" is a sentence with a comma, not a list.
        if (recognized < 2 || recognized < sentences)
        {
            return [];
        }

        var targets = order.Where(k => !found.ContainsKey(k)).ToList();
        for (var i = 0; i < unlabeled.Count && i < targets.Count; i++)
        {
            found[targets[i]] = targets[i] == SlotKeys.Name
                ? NameCase(unlabeled[i].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                : CompanyCase(unlabeled[i]);
        }

        return found;
    }

    /// <summary>What a lead wants: the rest of the clause after "interested in", "looking for", "I'd like", "want", "need".</summary>
    public static string? Need(NormalizedText text)
    {
        var t = text.Tokens;
        for (var i = 0; i < t.Count; i++)
        {
            var len = t[i].Norm switch
            {
                "interested" when i + 1 < t.Count && t[i + 1].Norm == "in" => 2,
                "looking" when i + 1 < t.Count && t[i + 1].Norm == "for" => 2,
                "i'd" or "we'd" or "would" when i + 1 < t.Count && t[i + 1].Norm is "like" or "love" => 2,
                "want" or "need" => 1,
                // "contact me about pricing", "get in touch about licences"
                "about" when i > 0 && t[i - 1].Norm is "me" or "us" or "touch" or "back" => 1,
                _ => 0,
            };
            if (len == 0 || i + len >= t.Count)
            {
                continue;
            }

            var start = t[i + len].Start;
            var end = ClauseEndRegex().Match(text.Raw, start);
            var value = text.Raw[start..(end.Success ? end.Index : text.Raw.Length)].Trim();
            if (value.Length > 0)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>A ticket subject: the first sentence without a leading greeting, capitalized, at most 80 characters.</summary>
    public static string Subject(string text)
    {
        var s = GreetingPrefixRegex().Replace(text.Trim(), "");
        var end = SentenceEndRegex().Match(s);
        if (end.Success && end.Index > 0)
        {
            s = s[..end.Index];
        }

        s = s.Trim().TrimEnd('.', '!', '?', ',', ':', ' ');
        if (s.Length > 80)
        {
            var cut = s.LastIndexOf(' ', 79);
            s = s[..(cut > 20 ? cut : 79)] + "…";
        }

        return s.Length == 0 ? text.Trim() : char.ToUpperInvariant(s[0]) + s[1..];
    }

    /// <summary>
    /// True when <paramref name="word"/>, at <paramref name="index"/> in a run of name words, cannot belong to the name:
    /// a stop word, except a capitalized non-connector after the first word ("Nguyen Minh An" keeps "An").
    /// </summary>
    private static bool EndsName(string word, int index) =>
        NameStops.Contains(word) && !(index > 0 && char.IsUpper(word[0]) && !NameConnectors.Contains(word));

    /// <summary>A name's words capitalized, except surname particles written in lower case inside it ("Jan van der Berg").</summary>
    private static string NameCase(IReadOnlyList<string> words) => string.Join(' ', words.Select((w, i) =>
        i > 0 && i < words.Count - 1 && NameParticles.Contains(w) ? w : Capitalize(w)));

    /// <summary>Capitalizes a name word unless the user already mixed cases deliberately ("McDonald"); "o'neil" -> "O'Neil".</summary>
    public static string Capitalize(string word)
    {
        if (word.Any(char.IsUpper) && word.Any(char.IsLower))
        {
            return word;
        }

        var sb = new StringBuilder(word.ToLowerInvariant());
        sb[0] = char.ToUpperInvariant(sb[0]);
        for (var i = 1; i < sb.Length - 1; i++)
        {
            if (sb[i] is '\'' or '-' && (sb[i] == '-' || i <= 2))
            {
                sb[i + 1] = char.ToUpperInvariant(sb[i + 1]);
            }
        }

        return sb.ToString();
    }

    private static string CompanyCase(string company)
    {
        if (company.Any(char.IsUpper))
        {
            return company;
        }

        return string.Join(' ', company.Split(' ').Select(w => w.ToLowerInvariant() switch
        {
            "gmbh" => "GmbH",
            "llc" or "plc" or "ag" or "sa" or "bv" => w.ToUpperInvariant(),
            _ => Capitalize(w),
        }));
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex EmailRegex();

    [GeneratedRegex(@"(?<![\w@+\-])\+?\(?\d[\d \t().\-/]{5,}\d(?![\w@])")]
    private static partial Regex PhoneRegex();

    [GeneratedRegex(@"\b(?:phone|tel|telephone|mobile|cell|call|ring|number|whatsapp|reach me|text me)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PhoneCueRegex();

    [GeneratedRegex(@"^\d{4}-\d{1,2}-\d{1,2}")]
    private static partial Regex IsoDateRegex();

    [GeneratedRegex(@"(?<![\w\-])[Tt]-?(?<n>\d{1,7})\b|#\s?(?<n>\d{1,7})\b|\b(?:ticket|tikcet|tiket|ticket's|case|request)\s*(?:number|no\.?|nr\.?|num|id)?\s*#?\s*(?<n>\d{1,7})\b", RegexOptions.IgnoreCase)]
    private static partial Regex TicketRegex();

    [GeneratedRegex(@"\b(?:invoice|order|bill|po|quote|receipt)\s*(?:number|no\.?|nr\.?)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex OtherDocumentRegex();

    [GeneratedRegex(@"\b(?<user>[a-z0-9._\-]+)\s+at\s+(?<domain>[a-z0-9\-]+(?:\s+dot\s+[a-z0-9\-]+)*\s+dot\s+[a-z]{2,})\b", RegexOptions.IgnoreCase)]
    private static partial Regex SpokenEmailRegex();

    // Academic and courtesy titles are not part of the name the CRM stores.
    [GeneratedRegex(@"\b(?:dr|mr|mrs|ms|prof)\.?\s+(?=\p{Lu})", RegexOptions.IgnoreCase)]
    private static partial Regex TitleRegex();

    [GeneratedRegex(@"^\D*?(?<n>\d{1,7})\D*$")]
    private static partial Regex BareNumberRegex();

    [GeneratedRegex(@"\b(?:not (?:urgent|critical|important|a priority|blocking|in a hurry)|no rush|no hurry|whenever|low priority|low prio|priority low|not a big deal|when you (?:can|have time))\b")]
    private static partial Regex LowPriorityRegex();

    [GeneratedRegex(@"\b(?:urgent|urgently|asap|as soon as possible|blocking|blocker|blocked|critical|emergency|(?:production|prod) (?:is )?down|down in production|top priority|highest priority)\b")]
    private static partial Regex UrgentRegex();

    [GeneratedRegex(@"\b(?:high priority|high prio|priority high|important)\b")]
    private static partial Regex HighRegex();

    [GeneratedRegex(@"\bhigh\b")]
    private static partial Regex BareHighRegex();

    [GeneratedRegex(@"\blow\b")]
    private static partial Regex BareLowRegex();

    [GeneratedRegex(@"\b(?:normal|medium)\b")]
    private static partial Regex BareNormalRegex();

    [GeneratedRegex(@"(?:(?<strong>\bmy name is|\bmy name's|\bthe name is|\bname is|\bname's|\bname:)|\bi am|\bi'm|\bim|\bthis is|\bcall me|\bit's|\bits)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex NameCueRegex();

    [GeneratedRegex(@"\G[\p{L}][\p{L}'\-]*(?: [\p{L}][\p{L}'\-]*)*")]
    private static partial Regex NameRunRegex();

    [GeneratedRegex(@"^[\p{L}][\p{L}'\-\.]*$")]
    private static partial Regex NameTokenRegex();

    [GeneratedRegex(@"^(?:(?:hi|hello|hey|sure|ok|yes)[,!.]?\s+)?(?:my name is|my name's|the name is|name is|name:|it's|it is|its|i'm|i am|im|this is|call me)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex BareNamePrefixRegex();

    [GeneratedRegex(@"(?:(?<strong>\bi work for|\bi work at|\bwork for|\bworking for|\bworking at|\bthe company is|\bcompany is|\bcompany name is|\bmy company is|\bcompany:|\brepresenting)|\bfrom|\bat)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex CompanyCueRegex();

    [GeneratedRegex(@"\G[\p{L}\p{N}&][\p{L}\p{N}&'\-]*(?: [\p{L}\p{N}&][\p{L}\p{N}&'\-]*)*")]
    private static partial Regex CompanyRunRegex();

    [GeneratedRegex(@"^(?:(?:it's|it is|its|we're|we are|were|i work for|i work at|i'm at|i'm from|i'm with|i am with|we're with|at|from|with|the company is|company is|company:|company name is)\s+)+", RegexOptions.IgnoreCase)]
    private static partial Regex BareCompanyPrefixRegex();

    [GeneratedRegex(@"(?:^|[,.!;]\s*)(?:(?:hi|hello|hey)[,!.]?\s+)?(?:i'm|i am|im|this is|it's|it is|my name is|my name's)\s+(?<name>[\p{L}][\p{L}'\-]*(?: [\p{L}][\p{L}'\-]*){0,4}?)\s+(?:from|at|with|of)\s+(?<company>[\p{L}\p{N}&][\p{L}\p{N}&'\-\.]*(?: [\p{L}\p{N}&][\p{L}\p{N}&'\-\.]*){0,4})", RegexOptions.IgnoreCase)]
    private static partial Regex NameFromCompanyRegex();

    [GeneratedRegex(@"[,;\n|]+")]
    private static partial Regex ListSeparatorRegex();

    // A sentence or clause ends at ". ", "? ", "! ", ": " or a spaced dash (a masked email's dots are blanks by then);
    // not at the dot of an abbreviation or an initial ("Acme Inc. ", "Ada J. Lovelace").
    [GeneratedRegex(@"(?<=[!?:])\s+|(?<=\.)(?<!\b(?:inc|ltd|co|corp|dr|mr|mrs|ms|prof|st|jr|sr|\p{L})\.)\s+|\s+[-–—]\s+", RegexOptions.IgnoreCase)]
    private static partial Regex SentenceSplitRegex();

    [GeneratedRegex(@"^[\p{L}\p{N}&][\p{L}\p{N}&'\-\./]*$")]
    private static partial Regex ListWordRegex();

    [GeneratedRegex(@"[,;!?\n]|\.(?:\s|$)|\s(?:and|but)\s")]
    private static partial Regex ClauseEndRegex();

    [GeneratedRegex(@"^(?:(?:hi|hello|hey|dear \w+|good (?:morning|afternoon|evening))\b[\s,!.:\-]*)+", RegexOptions.IgnoreCase)]
    private static partial Regex GreetingPrefixRegex();

    [GeneratedRegex(@"[.!?](?:\s|$)|\n")]
    private static partial Regex SentenceEndRegex();
}
