using Xunit.Abstractions;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>Runs the utterance corpus through the engine and holds intent and slot accuracy at 95% or better.</summary>
public sealed class LanguageCorpusTests(ITestOutputHelper output)
{
    private const double Required = 0.95;

    [Fact]
    public void Corpus_meets_intent_and_slot_accuracy()
    {
        var score = UtteranceCorpus.Score("utterances.json", LanguageTestSupport.Engine);
        output.WriteLine(score.Summary);
        foreach (var line in score.PerIntentLines)
        {
            output.WriteLine(line);
        }

        output.WriteLine("misses:");
        output.WriteLine(score.Misses);
        Assert.True(score.Cases >= 220, $"The corpus must hold at least 220 utterances, has {score.Cases}.");
        Assert.True(score.IntentAccuracy >= Required, $"Intent accuracy {score.IntentAccuracy:P1} is below {Required:P0}.\n{score.Misses}");
        Assert.True(score.SlotAccuracy >= Required, $"Slot accuracy {score.SlotAccuracy:P1} is below {Required:P0}.\n{score.Misses}");
    }
}
