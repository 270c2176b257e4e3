using Xunit.Abstractions;

namespace CrmChatbot.Grains.Tests.Chat.Dialogue;

/// <summary>
/// Plays every dialogue of <c>Chat/Corpus/dialogues.json</c> (the tuning corpus), with the embedding layer on and off,
/// and requires all of them to pass both ways.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DialogueCorpusTests(ClusterFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task Every_dialogue_of_the_corpus_passes(string embeddings)
    {
        var engine = embeddings == "on" ? LanguageTestSupport.WithEmbeddings : LanguageTestSupport.RulesOnly;
        var results = await new DialogueCorpusRunner(fixture).RunFileAsync("dialogues.json", engine);
        var failures = results.Where(r => r.Failure is not null).ToList();
        output.WriteLine($"embeddings {embeddings}: {results.Count - failures.Count}/{results.Count} dialogues pass");
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
