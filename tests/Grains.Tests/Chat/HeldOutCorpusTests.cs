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

    // First run, engine of 2026-12-06 (rules only): the floors a regression must not fall below.
    private const int FirstRunIntentHits = 228; // 84.8%
    private const int FirstRunSlotHits = 74; // of 88, 84.1%

    /// <summary>Switch on when the engine reaches the target; from then on falling below 95% fails.</summary>
    private static readonly bool TargetEnforced = false;

    /// <summary>
    /// Dialogues that fail on the engine of 2026-12-06. Each must still be in the file and still fail: when the engine
    /// is fixed, the test asks to remove it from here, so the list only shrinks.
    /// </summary>
    private static readonly HashSet<string> KnownFailures = new(StringComparer.Ordinal)
    {
        // fails on the engine of 2026-12-06
        "heldout-quote-comma-list",
        "heldout-sales-contact-email-first-list",
        "heldout-offer-line-separated",
        "heldout-im-x-from-y-trial",
        "heldout-comma-list-company-corrected-at-confirm",
        "heldout-name-corrected-mid-form",
        "heldout-comma-list-then-email-correction",
        "heldout-demo-tuesday-morning",
        "heldout-video-call-account-manager",
        "heldout-typo-booking-visitor",
        "heldout-ticket-nothing-works-after-update",
        "heldout-handoff-rude",
        "heldout-greeting-help-quote-one-message",
        "heldout-non-native-lead-step-by-step",
        "heldout-faq-then-lead-in-one-message",
    };

    [Fact]
    public void Held_out_utterances_score_at_least_their_first_run()
    {
        var score = UtteranceCorpus.Score("heldout-utterances.json", LanguageTestSupport.Engine);
        var report = new StringBuilder();
        report.AppendLine("## Held-out utterances (blind; never tune on them)").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"- {score.Summary}");
        report.AppendLine(CultureInfo.InvariantCulture, $"- floor (first run): intent {FirstRunIntentHits}/{FrozenUtteranceCount}, slots {FirstRunSlotHits}/{score.SlotTotal}; target intent accuracy {TargetIntentAccuracy:P0} ({(TargetEnforced ? "enforced" : "not enforced yet")})");
        report.AppendLine().AppendLine("Confusion matrix (rows: expected intent, columns: intent the engine answered):").AppendLine();
        report.AppendLine(score.ConfusionMarkdown());
        report.AppendLine("Misses:").AppendLine().AppendLine("```").Append(score.Misses).AppendLine("```");
        Publish("heldout-utterances-report.md", report.ToString());

        Assert.Equal(FrozenUtteranceCount, score.Cases);
        Assert.True(score.IntentHits >= FirstRunIntentHits,
            $"Held-out intent hits {score.IntentHits}/{score.Cases} fell below the first run's {FirstRunIntentHits}.\n{score.Misses}");
        Assert.True(score.SlotHits >= FirstRunSlotHits,
            $"Held-out slot hits {score.SlotHits}/{score.SlotTotal} fell below the first run's {FirstRunSlotHits}.\n{score.Misses}");
        if (TargetEnforced)
        {
            Assert.True(score.IntentAccuracy >= TargetIntentAccuracy,
                $"Held-out intent accuracy {score.IntentAccuracy:P1} is below the target {TargetIntentAccuracy:P0}.\n{score.Misses}");
        }
    }

    [Fact]
    public async Task Held_out_dialogues_pass_except_the_listed_known_failures()
    {
        var results = await new DialogueCorpusRunner(fixture).RunFileAsync("heldout-dialogues.json");
        var passed = results.Count(r => r.Failure is null);
        var report = new StringBuilder();
        report.AppendLine("## Held-out dialogues (blind; never tune on them)").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"- passed {passed}/{results.Count}; known failures listed: {KnownFailures.Count}").AppendLine();
        report.AppendLine("| dialogue | result |").AppendLine("|---|---|");
        foreach (var r in results)
        {
            var verdict = r.Failure is null ? "pass" : (KnownFailures.Contains(r.Id) ? "known failure: " : "FAIL: ") + r.Failure;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {r.Id} | {verdict.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        report.AppendLine().AppendLine("Transcripts of the failures:").AppendLine().AppendLine("```");
        foreach (var r in results.Where(r => r.Failure is not null))
        {
            report.AppendLine(r.Id).Append(r.Transcript);
        }

        report.AppendLine("```");
        Publish("heldout-dialogues-report.md", report.ToString());

        var ids = results.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var missing = KnownFailures.Where(id => !ids.Contains(id)).ToList();
        var newFailures = results.Where(r => r.Failure is not null && !KnownFailures.Contains(r.Id)).ToList();
        var nowPassing = results.Where(r => r.Failure is null && KnownFailures.Contains(r.Id)).Select(r => r.Id).ToList();
        Assert.Equal(FrozenDialogueCount, results.Count);
        Assert.True(missing.Count == 0, $"Known failures not in heldout-dialogues.json (the set is frozen): {string.Join(", ", missing)}");
        Assert.True(newFailures.Count == 0, $"{newFailures.Count} held-out dialogues fail that are not listed as known failures of the first run: " +
            string.Join("; ", newFailures.Select(f => $"{f.Id}: {f.Failure}")));
        Assert.True(nowPassing.Count == 0, $"These held-out dialogues pass now; remove them from {nameof(KnownFailures)}: {string.Join(", ", nowPassing)}");
    }

    /// <summary>Writes the markdown report to the test output and next to the test assembly.</summary>
    private void Publish(string fileName, string markdown)
    {
        var path = Path.Combine(AppContext.BaseDirectory, fileName);
        File.WriteAllText(path, markdown);
        output.WriteLine(markdown);
        output.WriteLine($"(report written to {path})");
    }
}
