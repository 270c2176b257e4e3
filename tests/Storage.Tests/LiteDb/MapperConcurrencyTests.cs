using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.LiteDb;

namespace CrmChatbot.Storage.Tests.LiteDb;

/// <summary>
/// LiteDB 5.0.21 lets a thread see a type's entity mapper before its members are filled in: a cold
/// mapper used by many threads at once wrote timeline entries without their fields. Our mapper is
/// built up front, so the first concurrent uses write complete documents.
/// </summary>
public sealed class MapperConcurrencyTests
{
    [Fact]
    public void A_new_mapper_used_by_many_threads_at_once_writes_every_field()
    {
        var entry = new TimelineEntry
        {
            Id = "e1",
            EntityKind = "lead",
            EntityId = "l1",
            At = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            Version = 3,
            ActorKind = ActorKind.User,
            ActorId = "u1",
            ActorName = "Ada",
            Action = "updated",
            Changes = [new FieldChange("status", "new", "contacted")],
        };
        var lead = new LeadState { Name = "Ada", Score = 7 };
        var expectedEntry = LiteDbMapping.CreateMapper().ToDocument(entry).Keys.Order().ToList();
        var expectedLead = LiteDbMapping.CreateMapper().ToDocument(lead).Keys.Order().ToList();

        for (var round = 0; round < 40; round++)
        {
            var mapper = LiteDbMapping.CreateMapper();
            using var start = new Barrier(8);
            var documents = new System.Collections.Concurrent.ConcurrentBag<(List<string> Entry, List<string> Lead)>();
            var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                documents.Add((mapper.ToDocument(entry).Keys.Order().ToList(), mapper.ToDocument(lead).Keys.Order().ToList()));
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.All(documents, d =>
            {
                Assert.Equal(expectedEntry, d.Entry);
                Assert.Equal(expectedLead, d.Lead);
            });
        }
    }
}
