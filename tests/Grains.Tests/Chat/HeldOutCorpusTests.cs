using System.Globalization;
using System.Text;
using CrmChatbot.Grains.Tests.Chat.Dialogue;
using Xunit.Abstractions;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>
/// The blind held-out set (<c>Chat/Corpus/heldout-*.json</c>, see the corpus README): written without looking at the
/// engine and never tuned on. Scored by the same harness as the tuning corpus but reported separately. The floors
/// are the first-run scores, so a regression fails; <see cref="TargetIntentAccuracy"/> is the goal of issue 15,
/// enforced once <see cref="TargetEnforced"/> is switched on.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HeldOutCorpusTests(ClusterFixture fixture, ITestOutputHelper output)
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
        ["on"] = (251, 83), // forms + embeddings engine (issue 15), first scored 2026-12-06
        ["off"] = (228, 84), // the same engine with CHAT_EMBEDDINGS=off
    };

    /// <summary>Switch on when the engine reaches the target; from then on falling below 95% with embeddings on fails.</summary>
    private static readonly bool TargetEnforced = false;

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
            "heldout-ticket-nothing-works-after-update",
            "heldout-demo-tuesday-morning",
            "heldout-greeting-help-quote-one-message",
            "heldout-handoff-rude",
            "heldout-im-x-from-y-trial",
            "heldout-typo-booking-visitor",
            "heldout-video-call-account-manager",
        },
    };

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public void Held_out_utterances_score_at_least_their_floor(string embeddings)
    {
        var score = UtteranceCorpus.Score("heldout-utterances.json", Engine(embeddings));
        var (floorIntent, floorSlots) = Floors[embeddings];
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"## Held-out utterances, embeddings {embeddings} (blind; never tune on them)").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"- {score.Summary}");
        report.AppendLine(CultureInfo.InvariantCulture, $"- floor: intent {floorIntent}/{FrozenUtteranceCount}, slots {floorSlots}/{score.SlotTotal}; target intent accuracy {TargetIntentAccuracy:P0} with embeddings on ({(TargetEnforced ? "enforced" : "not enforced yet")})");
        report.AppendLine().AppendLine("Confusion matrix (rows: expected intent, columns: intent the engine answered):").AppendLine();
        report.AppendLine(score.ConfusionMarkdown());
        report.AppendLine("Misses:").AppendLine().AppendLine("```").Append(score.Misses).AppendLine("```");
        Publish($"heldout-utterances-report-{embeddings}.md", report.ToString());

        Assert.Equal(FrozenUtteranceCount, score.Cases);
        Assert.True(score.IntentHits >= floorIntent,
            $"Held-out intent hits {score.IntentHits}/{score.Cases} fell below the floor {floorIntent}.\n{score.Misses}");
        Assert.True(score.SlotHits >= floorSlots,
            $"Held-out slot hits {score.SlotHits}/{score.SlotTotal} fell below the floor {floorSlots}.\n{score.Misses}");
        if (TargetEnforced && embeddings == "on")
        {
            Assert.True(score.IntentAccuracy >= TargetIntentAccuracy,
                $"Held-out intent accuracy {score.IntentAccuracy:P1} is below the target {TargetIntentAccuracy:P0}.\n{score.Misses}");
        }
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task Held_out_dialogues_pass_except_the_listed_known_failures(string embeddings)
    {
        var knownFailures = KnownFailures[embeddings];
        var results = await new DialogueCorpusRunner(fixture).RunFileAsync("heldout-dialogues.json", Engine(embeddings));
        var passed = results.Count(r => r.Failure is null);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"## Held-out dialogues, embeddings {embeddings} (blind; never tune on them)").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"- passed {passed}/{results.Count}; known failures listed: {knownFailures.Count}").AppendLine();
        report.AppendLine("| dialogue | result |").AppendLine("|---|---|");
        foreach (var r in results)
        {
            var verdict = r.Failure is null ? "pass" : (knownFailures.Contains(r.Id) ? "known failure: " : "FAIL: ") + r.Failure;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {r.Id} | {verdict.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        report.AppendLine().AppendLine("Transcripts of the failures:").AppendLine().AppendLine("```");
        foreach (var r in results.Where(r => r.Failure is not null))
        {
            report.AppendLine(r.Id).Append(r.Transcript);
        }

        report.AppendLine("```");
        Publish($"heldout-dialogues-report-{embeddings}.md", report.ToString());

        var ids = results.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var missing = knownFailures.Where(id => !ids.Contains(id)).ToList();
        var newFailures = results.Where(r => r.Failure is not null && !knownFailures.Contains(r.Id)).ToList();
        var nowPassing = results.Where(r => r.Failure is null && knownFailures.Contains(r.Id)).Select(r => r.Id).ToList();
        Assert.Equal(FrozenDialogueCount, results.Count);
        Assert.True(missing.Count == 0, $"Known failures not in heldout-dialogues.json (the set is frozen): {string.Join(", ", missing)}");
        Assert.True(newFailures.Count == 0, $"{newFailures.Count} held-out dialogues fail that are not listed as known failures of the first run: " +
            string.Join("; ", newFailures.Select(f => $"{f.Id}: {f.Failure}")));
        Assert.True(nowPassing.Count == 0, $"These held-out dialogues pass now; remove them from {nameof(KnownFailures)}: {string.Join(", ", nowPassing)}");
    }

    private static CrmChatbot.Chat.Language.LanguageEngine Engine(string embeddings) =>
        embeddings == "on" ? LanguageTestSupport.WithEmbeddings : LanguageTestSupport.RulesOnly;

    /// <summary>Writes the markdown report to the test output and next to the test assembly.</summary>
    private void Publish(string fileName, string markdown)
    {
        var path = Path.Combine(AppContext.BaseDirectory, fileName);
        File.WriteAllText(path, markdown);
        output.WriteLine(markdown);
        output.WriteLine($"(report written to {path})");
    }
}
