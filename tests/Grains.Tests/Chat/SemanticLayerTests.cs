using CrmChatbot.Chat.Language;
using CrmChatbot.Chat.Language.Semantic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>The decision rule between rules and embeddings, the model's cost and its absence.</summary>
public sealed class SemanticLayerTests
{
    private static readonly IntentExample[] Examples =
    [
        new("can we set up a video call", Intent.BookMeeting),
        new("get me a person", Intent.Handoff),
        new("what can you do", Intent.Help),
    ];

    [Theory]
    [InlineData("Ada Lovelace", Intent.CreateLead, "name")]
    [InlineData("yes", Intent.CreateLead, "confirm")]
    [InlineData("no", Intent.CreateLead, "confirm")]
    [InlineData("ada@acme.io", Intent.CreateLead, "email")]
    [InlineData("Acme", Intent.CreateLead, "company")]
    [InlineData("tomorrow at 3pm", Intent.BookMeeting, "start")]
    [InlineData("T-1042", null, null)]
    [InlineData("status of ticket 1042", null, null)]
    [InlineData("ada@acme.io", null, null)]
    [InlineData("+47 912 34 567", null, null)]
    [InlineData("thanks", null, null)]
    [InlineData("I'd like to open a ticket", null, null)]
    [InlineData("friday at 10am", Intent.BookMeeting, null)]
    public void Answers_yes_no_ids_emails_and_sure_commands_never_run_the_model(string text, Intent? pending, string? expected)
    {
        var embedder = new CountingEmbedder();
        var engine = new LanguageEngine(new SemanticIntentClassifier(() => embedder, Examples, NullLogger.Instance));
        Assert.True(engine.WarmUp());
        var before = embedder.Calls;
        engine.Analyze(text, LanguageTestSupport.Context(pending: pending, expected: expected));
        Assert.Equal(before, embedder.Calls);
    }

    [Theory]
    [InlineData("could we do a zoom on friday afternoon")]
    [InlineData("hiya, anyone there?")]
    public void An_unsure_message_runs_the_model_once(string text)
    {
        var embedder = new CountingEmbedder();
        var engine = new LanguageEngine(new SemanticIntentClassifier(() => embedder, Examples, NullLogger.Instance));
        engine.WarmUp();
        var before = embedder.Calls;
        engine.Analyze(text, LanguageTestSupport.Context());
        Assert.Equal(before + 1, embedder.Calls);
    }

    [Fact]
    public void A_model_that_cannot_load_leaves_the_rules_with_one_warning()
    {
        var logger = new ListLogger();
        var engine = new LanguageEngine(new SemanticIntentClassifier(() => throw new FileNotFoundException("model.onnx"), Examples, logger));
        var rules = new LanguageEngine();
        foreach (var text in new[] { "I'd like to arrange a video call with an account manager", "this bot is useless, get me someone", "book a demo tomorrow at 10" })
        {
            Assert.Equal(rules.Analyze(text, LanguageTestSupport.Context()).Intent, engine.Analyze(text, LanguageTestSupport.Context()).Intent);
        }

        Assert.False(engine.WarmUp());
        Assert.Equal(LogLevel.Warning, Assert.Single(logger.Entries).Level);
    }

    [Theory]
    [InlineData("could we do a zoom on friday afternoon", Intent.BookMeeting)]
    [InlineData("this bot is useless, get me someone", Intent.Handoff)]
    [InlineData("can I get a demo on tuesday morning", Intent.BookMeeting)]
    [InlineData("let me chat with someone from your team", Intent.Handoff)]
    [InlineData("is my support case solved", Intent.TicketStatus)]
    public void The_model_reads_what_the_rules_miss(string text, Intent intent)
    {
        Assert.NotEqual(intent, LanguageTestSupport.RulesOnly.Analyze(text, LanguageTestSupport.Context()).Intent);
        Assert.Equal(intent, LanguageTestSupport.WithEmbeddings.Analyze(text, LanguageTestSupport.Context()).Intent);
    }

    [Fact]
    public async Task The_shared_model_gives_the_same_vectors_when_turns_run_concurrently()
    {
        string[] texts = ["hiya, anyone there?", "show me what you can do", "I'd like to arrange a video call with an account manager",
            "this bot is useless, get me someone", "nothing works after the update, please help", "list your features"];
        var model = MiniLmEmbedder.Shared;
        var sequential = texts.Select(t => model.Embed([t])[0]).ToArray();
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() => (i % texts.Length, model.Embed([texts[i % texts.Length]])[0]))));
        Assert.All(concurrent, c => Assert.Equal(sequential[c.Item1], c.Item2));
    }

    [Fact]
    public void Example_vectors_are_cached_on_disk_by_model_and_examples()
    {
        var directory = Path.Combine(Path.GetTempPath(), "crm-embeddings-" + Guid.NewGuid().ToString("N"));
        try
        {
            // A model id of its own: the in-process cache of other tests never holds these vectors.
            var embedder = new CountingEmbedder("cache-test-" + Guid.NewGuid().ToString("N"));
            Assert.True(new SemanticIntentClassifier(() => embedder, Examples, NullLogger.Instance, directory).Warm());
            var file = Assert.Single(Directory.GetFiles(directory, "intent-vectors-*.bin"));
            Assert.Equal(8 + Examples.Length * CountingEmbedder.Dimensions * sizeof(float), new FileInfo(file).Length);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_shipped_examples_cover_every_intent_and_are_inside_the_assembly()
    {
        var examples = SemanticIntentClassifier.ShippedExamples.Value;
        Assert.True(examples.Count >= 300, $"{examples.Count} examples");
        Assert.Equal(Enum.GetValues<Intent>().Order(), examples.Select(e => e.Intent).Distinct().Order());
        Assert.All(examples.Where(e => e.Intent == Intent.Faq), e => Assert.NotNull(e.FaqId));
    }

    /// <summary>A deterministic stand-in for the model: letter-trigram counts, normalized; counts its calls.</summary>
    private sealed class CountingEmbedder(string modelId = "counting-trigrams") : IIntentEmbedder
    {
        public const int Dimensions = 64;

        private int calls;

        public int Calls => calls;

        public string ModelId => modelId;

        public float[][] Embed(IReadOnlyList<string> texts)
        {
            Interlocked.Increment(ref calls);
            return [.. texts.Select(t =>
            {
                var v = new float[Dimensions];
                var s = t.ToLowerInvariant();
                for (var i = 0; i + 3 <= s.Length; i++)
                {
                    v[(s[i] * 31 + s[i + 1] * 7 + s[i + 2]) % Dimensions] += 1;
                }

                var norm = MathF.Sqrt(v.Sum(x => x * x));
                return norm == 0 ? v : [.. v.Select(x => x / norm)];
            })];
        }
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
