using CrmChatbot.Chat.Language;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>Locates the shipped FAQ sample so tests exercise the same file operators start from.</summary>
internal static class LanguageTestSupport
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<FaqKnowledge> SampleFaq = new(() => FaqKnowledge.Load(FindRepoFile("src/Grains/Chat/Language/faq.sample.json")));

    public static FaqKnowledge Faq => SampleFaq.Value;

    public static LanguageEngine Engine { get; } = new();

    public static ChatContext Context(string zone = "Europe/Berlin", Intent? pending = null, string? expected = null, IReadOnlyDictionary<string, string>? slots = null) =>
        new(Now, zone, pending, expected, slots, Faq);

    public static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"'{relative}' not found above {AppContext.BaseDirectory}.");
    }
}
