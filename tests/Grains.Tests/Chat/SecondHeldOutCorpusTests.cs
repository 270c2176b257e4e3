using Xunit.Abstractions;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>
/// The second blind held-out set (<c>Chat/Corpus/heldout2-*.json</c>, see "Second held-out set" in the corpus README):
/// written by another writer without looking at the engine, the tuning corpus or the first held-out set, and never
/// tuned on. Scored and reported like the first set (<see cref="HeldOutCorpusTestsBase"/>), in its own reports
/// (<c>heldout2-*-report-{on,off}.md</c>). The floors and known failures are those of its first run.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SecondHeldOutCorpusTests(ClusterFixture fixture, ITestOutputHelper output) : HeldOutCorpusTestsBase(fixture, output)
{
    // The set is frozen: editing it (instead of the engine) would make the scores meaningless.
    private const int FrozenUtteranceCount = 279;
    private const int FrozenDialogueCount = 27;

    // First run: the forms + embeddings engine of issue 15 (main of 2026-12-06), per mode. A regression fails.
    private static readonly Dictionary<string, (int IntentHits, int SlotHits)> Floors = new(StringComparer.Ordinal)
    {
        // First run 2026-12-06: 252/119 on (90.3% intent, 96.7% slots of 123), 236/118 off. Raised to the second run,
        // after the fifth tuning batch and the dialogue fixes of issue 15 (written without this set): 95.0% on, 88.5% off.
        ["on"] = (265, 120),
        ["off"] = (247, 119), // the same engine with CHAT_EMBEDDINGS=off
    };

    /// <summary>Dialogues that failed on the first run, per mode. When one passes, the test asks to remove it: the lists only shrink.</summary>
    private static readonly Dictionary<string, HashSet<string>> KnownFailures = new(StringComparer.Ordinal)
    {
        ["on"] = new(StringComparer.Ordinal)
        {
            // first run 2026-12-06, forms + embeddings engine
            "heldout2-quote-semicolon-list",
            "heldout2-phone-instead-of-email",
            "heldout2-faq-then-demo-request",
            "heldout2-client-ticket-step-by-step",
        },
        ["off"] = new(StringComparer.Ordinal)
        {
            // first run 2026-12-06, the same engine with CHAT_EMBEDDINGS=off
            "heldout2-quote-semicolon-list",
            "heldout2-phone-instead-of-email",
            "heldout2-faq-then-demo-request",
            "heldout2-client-ticket-step-by-step",
        },
    };

    private protected override HeldOutSet Set => new(
        "heldout2", "Second held-out", FrozenUtteranceCount, FrozenDialogueCount, Floors, KnownFailures,
        HeldOutCorpusTests.TargetIntentAccuracy, TargetEnforced: false);
}
