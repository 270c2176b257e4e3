using Xunit.Abstractions;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>
/// The blind held-out set (<c>Chat/Corpus/heldout-*.json</c>, see the corpus README): written without looking at the
/// engine and never tuned on. Scored by the same harness as the tuning corpus but reported separately. The floors
/// are the first-run scores, so a regression fails; <see cref="TargetIntentAccuracy"/> is the goal of issue 15,
/// enforced once <see cref="TargetEnforced"/> is switched on.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HeldOutCorpusTests(ClusterFixture fixture, ITestOutputHelper output) : HeldOutCorpusTestsBase(fixture, output)
{
    /// <summary>Issue 15: held-out intent accuracy the engine must reach.</summary>
    public const double TargetIntentAccuracy = 0.95;

    // The set is frozen: editing it (instead of the engine) would make the scores meaningless.
    private const int FrozenUtteranceCount = 269;
    private const int FrozenDialogueCount = 28;

    // First run, engine of 2026-12-06 (rules only, 53cc167): 228/269 intents (84.8%), 74/88 slots (84.1%).
    // The floors below are the scores of the engine that reached them (a regression fails), per mode of the engine.
    private static readonly Dictionary<string, (int IntentHits, int SlotHits)> Floors = new(StringComparer.Ordinal)
    {
        // forms + embeddings engine (issue 15): 251/83 on, 228/84 off when first scored 2026-12-06; raised after the
        // fifth tuning batch and the lexicon/context fixes tuned on it (not on this set)
        ["on"] = (261, 86),
        ["off"] = (238, 86), // the same engine with CHAT_EMBEDDINGS=off
    };

    /// <summary>Switch on when the engine reaches the target; from then on falling below 95% with embeddings on fails.</summary>
    private static readonly bool TargetEnforced = true;

    /// <summary>
    /// Dialogues that fail, per mode. Each must still be in the file and still fail: when the engine is fixed, the
    /// test asks to remove it from here, so the lists only shrink. (On the rules-only engine of the first run, 15 failed.)
    /// </summary>
    private static readonly Dictionary<string, HashSet<string>> KnownFailures = new(StringComparer.Ordinal)
    {
        // The forms + embeddings engine of 2026-12-06 failed 4 here; optional need, free text at a confirmation,
        // names of up to 5 words and a contact list after a request sentence made all of them pass.
        ["on"] = new(StringComparer.Ordinal),
        ["off"] = new(StringComparer.Ordinal)
        {
            // fail with the same engine, CHAT_EMBEDDINGS=off (the rules alone miss the opening intent)
            "heldout-demo-tuesday-morning",
            "heldout-greeting-help-quote-one-message",
            "heldout-handoff-rude",
            "heldout-im-x-from-y-trial",
            "heldout-typo-booking-visitor",
        },
    };

    private protected override HeldOutSet Set => new(
        "heldout", "Held-out", FrozenUtteranceCount, FrozenDialogueCount, Floors, KnownFailures, TargetIntentAccuracy, TargetEnforced);
}
