using CrmChatbot.Common;
using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Storage.Tests.Conformance;
using CrmChatbot.Storage.Timeline;

namespace CrmChatbot.Storage.Tests.LiteDb;

public sealed class LiteDbTimelineStoreTests : TimelineStoreConformance, IDisposable
{
    private readonly LiteDbStore _store = LiteDbStore.CreateInMemory();

    public LiteDbTimelineStoreTests() => Store = new LiteDbTimelineStore(_store);

    protected override ITimelineStore Store { get; }

    public void Dispose() => _store.Dispose();
}
