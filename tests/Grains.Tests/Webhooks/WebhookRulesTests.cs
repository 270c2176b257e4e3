using System.Net;
using System.Text.Json;
using CrmChatbot.Common;
using CrmChatbot.Webhooks;

namespace CrmChatbot.Grains.Tests.Webhooks;

public class WebhookRulesTests
{
    [Fact]
    public void Signatures_follow_the_Standard_Webhooks_test_vector()
    {
        // The example of the Standard Webhooks specification (standard-webhooks.com, "Verifying webhooks").
        var signature = WebhookRules.Sign(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}");

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Two_secrets_give_two_space_separated_signatures_newest_first()
    {
        var a = WebhookRules.NewSecret();
        var b = WebhookRules.NewSecret();

        var both = WebhookRules.Sign([a, b], "evt", 1, "{}");

        Assert.Equal(WebhookRules.Sign([a], "evt", 1, "{}") + " " + WebhookRules.Sign([b], "evt", 1, "{}"), both);
        Assert.StartsWith("whsec_", a, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(a["whsec_".Length..]).Length);
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("*", "ticket.status_changed", true)]
    [InlineData("ticket.*", "ticket.status_changed", true)]
    [InlineData("ticket.*", "lead.created", false)]
    [InlineData("ticket.status_changed", "ticket.status_changed", true)]
    [InlineData("ticket.status_changed", "ticket.status_changed_twice", false)]
    [InlineData("lead.*", "leads.created", false)]
    public void Patterns_match_exact_types_kind_wildcards_and_everything(string pattern, string type, bool matches) =>
        Assert.Equal(matches, WebhookRules.Matches([pattern], type));

    [Theory]
    [InlineData("*", true)]
    [InlineData("lead.*", true)]
    [InlineData("ticket.status_changed", true)]
    [InlineData("meeting.cancelled", true)]
    [InlineData("campaign.metrics_added", true)]
    [InlineData("chat.handoff_requested", true)]
    [InlineData("chat.message_sent", false)]
    [InlineData("lead", false)]
    [InlineData("lead.exploded", false)]
    [InlineData("robot.*", false)]
    [InlineData("", false)]
    [InlineData("*.created", false)]
    public void Only_catalogued_types_and_wildcards_are_patterns(string pattern, bool valid) =>
        Assert.Equal(valid, WebhookRules.CheckPattern(pattern) is null);

    [Theory]
    [InlineData("https://hooks.example.com/crm", false, true)]
    [InlineData("http://hooks.example.com:8080/crm?x=1", false, true)]
    [InlineData("ftp://hooks.example.com/crm", true, false)]
    [InlineData("file:///etc/passwd", true, false)]
    [InlineData("hooks.example.com/crm", true, false)]
    [InlineData("https://u:p@hooks.example.com/", true, false)]
    [InlineData("http://127.0.0.1:9000/hook", false, false)]
    [InlineData("http://127.0.0.1:9000/hook", true, true)]
    [InlineData("http://localhost/hook", false, false)]
    [InlineData("http://10.1.2.3/hook", false, false)]
    [InlineData("http://172.20.0.1/hook", false, false)]
    [InlineData("http://192.168.1.1/hook", false, false)]
    [InlineData("http://169.254.169.254/latest/meta-data", false, false)]
    [InlineData("http://[::1]/hook", false, false)]
    [InlineData("http://[fd00::1]/hook", false, false)]
    [InlineData("http://[fe80::1]/hook", false, false)]
    [InlineData("http://[::ffff:10.0.0.1]/hook", false, false)]
    [InlineData("http://8.8.8.8/hook", false, true)]
    public void Urls_are_http_or_https_and_not_private_unless_allowed(string url, bool allowPrivate, bool valid) =>
        Assert.Equal(valid, WebhookRules.CheckUrl(url, allowPrivate) is null);

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.0.1", true)]
    [InlineData("169.254.1.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("::1", true)]
    [InlineData("::", true)]
    [InlineData("fc00::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:192.168.0.1", true)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", false)]
    public void Resolved_addresses_are_classified(string address, bool isPrivate) =>
        Assert.Equal(isPrivate, WebhookRules.IsPrivate(IPAddress.Parse(address)));

    [Fact]
    public void Retries_back_off_exponentially_with_jitter_capped_at_the_maximum_and_cover_the_whole_window()
    {
        var options = new WebhookOptions();

        Assert.Equal(TimeSpan.FromSeconds(8), WebhookRules.RetryDelay(1, options, 0));
        Assert.Equal(TimeSpan.FromSeconds(12), WebhookRules.RetryDelay(1, options, 1));
        Assert.Equal(TimeSpan.FromSeconds(20), WebhookRules.RetryDelay(2, options, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(40), WebhookRules.RetryDelay(3, options, 0.5));
        Assert.Equal(TimeSpan.FromHours(1), WebhookRules.RetryDelay(30, options, 0.5));
        Assert.Equal(TimeSpan.FromHours(1.2), WebhookRules.RetryDelay(1000, options, 1));

        // An event keeps being retried (at least hourly) until 24 h after its first failure, then is given up.
        var first = new DateTime(2026, 12, 6, 0, 0, 0, DateTimeKind.Utc);
        var now = first;
        var retries = 0;
        while (!WebhookRules.GiveUp(first, now, options))
        {
            retries++;
            var delay = WebhookRules.RetryDelay(retries, options, Random.Shared.NextDouble());
            Assert.True(delay <= TimeSpan.FromHours(1.2));
            now += delay;
        }

        Assert.True(now - first >= TimeSpan.FromHours(24));
        Assert.InRange(retries, 25, 60);
    }

    [Fact]
    public void The_payload_carries_id_type_time_actor_entity_new_state_and_changes_as_json()
    {
        var entry = new TimelineEntry
        {
            Id = "evt-1",
            EntityKind = "ticket",
            EntityId = "t1",
            Version = 3,
            At = new DateTime(2026, 12, 6, 9, 0, 0, DateTimeKind.Utc),
            ActorKind = ActorKind.User,
            ActorId = "u1",
            ActorName = "Agent Smith",
            Action = "status_changed",
            Changes = [new FieldChange("status", "\"open\"", "\"resolved\"")],
            Snapshot = "{\"id\":\"t1\",\"status\":\"resolved\"}",
        };

        var built = WebhookPayload.From(entry);

        Assert.Equal("evt-1", built.Id);
        Assert.Equal("ticket.status_changed", built.Type);
        using var json = JsonDocument.Parse(built.Body);
        var root = json.RootElement;
        Assert.Equal("evt-1", root.GetProperty("id").GetString());
        Assert.Equal("ticket.status_changed", root.GetProperty("type").GetString());
        Assert.Equal("2026-12-06T09:00:00Z", root.GetProperty("occurred_at").GetString());
        Assert.Equal("user", root.GetProperty("actor").GetProperty("kind").GetString());
        Assert.Equal("Agent Smith", root.GetProperty("actor").GetProperty("name").GetString());
        Assert.Equal(3, root.GetProperty("entity").GetProperty("version").GetInt64());
        Assert.Equal("resolved", root.GetProperty("data").GetProperty("status").GetString());
        var change = root.GetProperty("changes")[0];
        Assert.Equal("open", change.GetProperty("from").GetString());
        Assert.Equal("resolved", change.GetProperty("to").GetString());
    }
}
