using CrmChatbot.Common;
using CrmChatbot.Leads;

namespace CrmChatbot.Grains.Tests;

public class LeadRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Create_applies_defaults_and_trims()
    {
        var result = LeadRules.Create(new NewLead("  Ada Lovelace ", " ADA@Example.com ", Company: " "), Now);

        Assert.True(result.IsSuccess);
        var lead = result.Value!;
        Assert.Equal("Ada Lovelace", lead.Name);
        Assert.Equal("ada@example.com", lead.Email);
        Assert.Null(lead.Company);
        Assert.Equal(LeadStatus.New, lead.Status);
        Assert.Equal(LeadSource.Website, lead.Source);
        Assert.Equal(Now, lead.CreatedAt);
        Assert.Equal(Now, lead.UpdatedAt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_requires_a_name(string? name)
    {
        var result = LeadRules.Create(new NewLead(name), Now);

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Contains("name", result.Error.Fields!.Keys);
    }

    [Theory]
    [InlineData("email", "not-an-email")]
    [InlineData("email", "a@b")]
    [InlineData("phone", "call me maybe")]
    [InlineData("phone", "12")]
    public void Create_rejects_malformed_contact_fields(string field, string value)
    {
        var input = field == "email" ? new NewLead("Ada", Email: value) : new NewLead("Ada", Phone: value);

        var result = LeadRules.Create(input, Now);

        Assert.False(result.IsSuccess);
        Assert.Equal([field], result.Error!.Fields!.Keys);
    }

    [Fact]
    public void Create_rejects_overlong_fields_naming_each()
    {
        var result = LeadRules.Create(new NewLead(new string('n', 201), Company: new string('c', 201)), Now);

        Assert.False(result.IsSuccess);
        Assert.Equal(new[] { "company", "name" }, result.Error!.Fields!.Keys.Order());
    }

    [Fact]
    public void Apply_changes_only_present_fields()
    {
        var current = LeadRules.Create(new NewLead("Ada", "ada@example.com", "+44 20 7946 0000", "Analytical Engines"), Now).Value!;
        var later = Now.AddMinutes(5);

        var result = LeadRules.Apply(current, new LeadPatch
        {
            Status = Optional<LeadStatus>.Of(LeadStatus.Qualified),
            Phone = Optional<string>.Of(null),
        }, later);

        var next = result.Value!;
        Assert.Equal("Ada", next.Name);
        Assert.Equal("ada@example.com", next.Email);
        Assert.Null(next.Phone);
        Assert.Equal("Analytical Engines", next.Company);
        Assert.Equal(LeadStatus.Qualified, next.Status);
        Assert.Equal(Now, next.CreatedAt);
        Assert.Equal(later, next.UpdatedAt);
    }

    [Fact]
    public void Apply_cannot_blank_the_name_and_leaves_current_untouched()
    {
        var current = LeadRules.Create(new NewLead("Ada"), Now).Value!;

        var result = LeadRules.Apply(current, new LeadPatch { Name = Optional<string>.Of(" ") }, Now.AddMinutes(1));

        Assert.False(result.IsSuccess);
        Assert.Contains("name", result.Error!.Fields!.Keys);
        Assert.Equal("Ada", current.Name);
        Assert.Equal(Now, current.UpdatedAt);
    }

    [Fact]
    public void Undefined_enum_values_are_rejected()
    {
        var result = LeadRules.Create(new NewLead("Ada", Status: (LeadStatus)42, Source: (LeadSource)42), Now);

        Assert.Equal(new[] { "source", "status" }, result.Error!.Fields!.Keys.Order());
    }

    [Fact]
    public void Timestamps_are_truncated_to_milliseconds_in_utc()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero).AddTicks(12_345_678));

        var now = Timestamps.Now(clock);

        Assert.Equal(DateTimeKind.Utc, now.Kind);
        Assert.Equal(0, now.Ticks % TimeSpan.TicksPerMillisecond);
        Assert.Equal(new DateTime(2026, 11, 26, 10, 0, 1, 234, DateTimeKind.Utc), now);
    }
}

public class TimestampTests
{
    [Fact]
    public void Writes_within_one_millisecond_get_increasing_timestamps()
    {
        var clock = new FixedClock(DateTimeOffset.UtcNow.AddMinutes(10));

        var first = Timestamps.Now(clock);
        var second = Timestamps.Now(clock);

        Assert.True(second > first, $"{second:O} should follow {first:O}");
        Assert.True(second - first < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void A_burst_of_more_than_a_thousand_a_second_never_goes_back_and_stays_close_to_the_clock()
    {
        var sequence = new MillisecondSequence();
        var clock = new DateTime(2026, 12, 6, 8, 0, 0, DateTimeKind.Utc);

        // 3,000 timestamps within one millisecond of the clock, then the clock moves on by 100 ms.
        var burst = Enumerable.Range(0, 3000).Select(_ => sequence.Next(clock)).ToList();
        var after = sequence.Next(clock.AddMilliseconds(100));

        Assert.All(burst.Zip(burst.Skip(1)), pair => Assert.True(pair.Second >= pair.First, $"{pair.Second:O} went back from {pair.First:O}"));
        Assert.True(burst[499] > burst[498]); // strictly increasing while less than MaxLead ahead
        Assert.True(burst[^1] - clock <= MillisecondSequence.MaxLead + TimeSpan.FromMilliseconds(1));
        Assert.True(after >= burst[^1]);
    }

    [Fact]
    public void A_clock_set_far_back_is_taken_as_it_is()
    {
        var ahead = Timestamps.Now(new FixedClock(DateTimeOffset.UtcNow.AddHours(2)));
        var back = Timestamps.Now(new FixedClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.True(back < ahead);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), back);
    }
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
