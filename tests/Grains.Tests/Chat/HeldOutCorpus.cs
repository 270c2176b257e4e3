using System.Globalization;
using System.Text;
using CrmChatbot.Grains.Tests.Chat.Dialogue;
using Xunit.Abstractions;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>
/// One blind held-out set: its files (<c>Chat/Corpus/{Name}-utterances.json</c>, <c>{Name}-dialogues.json</c>), the
/// frozen sizes, and, per mode of the engine ("on"/"off" embeddings), the floors and the dialogues known to fail.
/// </summary>
internal sealed record HeldOutSet(
    string Name,
    string Title,
    int FrozenUtteranceCount,
    int FrozenDialogueCount,
    IReadOnlyDictionary<string, (int IntentHits, int SlotHits)> Floors,
    IReadOnlyDictionary<string, HashSet<string>> KnownFailures,
    double TargetIntentAccuracy,
    bool TargetEnforced);

/// <summary>
/// The tests of a held-out set, shared by every held-out set so all are judged and reported the same way, both ways
/// (embeddings on and off): a score below its floor fails, a dialogue failing that is not a known failure fails, and a
/// known failure that passes fails too (remove it: the lists only shrink). A set is one subclass giving its <see cref="Set"/>.
/// </summary>
public abstract class HeldOutCorpusTestsBase(ClusterFixture fixture, ITestOutputHelper output)
{
    private protected abstract HeldOutSet Set { get; }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public void Held_out_utterances_score_at_least_their_floor(string embeddings)
    {
        var set = Set;
        var score = UtteranceCorpus.Score($"{set.Name}-utterances.json", Engine(embeddings));
        var (floorIntent, floorSlots) = set.Floors[embeddings];
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"## {set.Title} utterances, embeddings {embeddings} (blind; never tune on them)").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"- {score.Summary}");
        report.AppendLine(CultureInfo.InvariantCulture, $"- floor: intent {floorIntent}/{set.FrozenUtteranceCount}, slots {floorSlots}/{score.SlotTotal}; target intent accuracy {set.TargetIntentAccuracy:P0} with embeddings on ({(set.TargetEnforced ? "enforced" : "not enforced yet")})");
        report.AppendLine().AppendLine("Confusion matrix (rows: expected intent, columns: intent the engine answered):").AppendLine();
        report.AppendLine(score.ConfusionMarkdown());
        report.AppendLine("Misses:").AppendLine().AppendLine("```").Append(score.Misses).AppendLine("```");
        Publish($"{set.Name}-utterances-report-{embeddings}.md", report.ToString());

        Assert.Equal(set.FrozenUtteranceCount, score.Cases);
        Assert.True(score.IntentHits >= floorIntent,
            $"{set.Title} intent hits {score.IntentHits}/{score.Cases} fell below the floor {floorIntent}.\n{score.Misses}");
        Assert.True(score.SlotHits >= floorSlots,
            $"{set.Title} slot hits {score.SlotHits}/{score.SlotTotal} fell below the floor {floorSlots}.\n{score.Misses}");
        if (set.TargetEnforced && embeddings == "on")
        {
            Assert.True(score.IntentAccuracy >= set.TargetIntentAccuracy,
                $"{set.Title} intent accuracy {score.IntentAccuracy:P1} is below the target {set.TargetIntentAccuracy:P0}.\n{score.Misses}");
        }
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task Held_out_dialogues_pass_except_the_listed_known_failures(string embeddings)
    {
        var set = Set;
        var fileName = $"{set.Name}-dialogues.json";
        var knownFailures = set.KnownFailures[embeddings];
        var results = await new DialogueCorpusRunner(fixture).RunFileAsync(fileName, Engine(embeddings));
        var passed = results.Count(r => r.Failure is null);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"## {set.Title} dialogues, embeddings {embeddings} (blind; never tune on them)").AppendLine();
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
        Publish($"{set.Name}-dialogues-report-{embeddings}.md", report.ToString());

        var ids = results.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var missing = knownFailures.Where(id => !ids.Contains(id)).ToList();
        var newFailures = results.Where(r => r.Failure is not null && !knownFailures.Contains(r.Id)).ToList();
        var nowPassing = results.Where(r => r.Failure is null && knownFailures.Contains(r.Id)).Select(r => r.Id).ToList();
        Assert.Equal(set.FrozenDialogueCount, results.Count);
        Assert.True(missing.Count == 0, $"Known failures not in {fileName} (the set is frozen): {string.Join(", ", missing)}");
        Assert.True(newFailures.Count == 0, $"{newFailures.Count} {set.Title.ToLowerInvariant()} dialogues fail that are not listed as known failures: " +
            string.Join("; ", newFailures.Select(f => $"{f.Id}: {f.Failure}")));
        Assert.True(nowPassing.Count == 0, $"These {set.Title.ToLowerInvariant()} dialogues pass now; remove them from the known failures: {string.Join(", ", nowPassing)}");
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
