using Xunit.Abstractions;

namespace CrmChatbot.Grains.Tests.Chat.Dialogue;

/// <summary>Plays every dialogue of <c>Chat/Corpus/dialogues.json</c> (the tuning corpus) and requires all of them to pass.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DialogueCorpusTests(ClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_dialogue_of_the_corpus_passes()
    {
        var results = await new DialogueCorpusRunner(fixture).RunFileAsync("dialogues.json");
        var failures = results.Where(r => r.Failure is not null).ToList();
        foreach (var r in results)
        {
            output.WriteLine($"[{(r.Failure is null ? "pass" : "FAIL")}] {r.Id}{(r.Failure is null ? "" : ": " + r.Failure)}");
            if (r.Failure is not null)
            {
                output.WriteLine(r.Transcript);
            }
        }

        Assert.True(results.Count >= 30, $"the corpus holds {results.Count} dialogues");
        Assert.True(failures.Count == 0, $"{failures.Count} of {results.Count} dialogues failed: " +
            string.Join("; ", failures.Select(f => $"{f.Id}: {f.Failure}")));
    }
}
