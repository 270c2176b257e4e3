using System.Net.Sockets;
using CrmChatbot.Silo;

namespace CrmChatbot.Api.Tests;

/// <summary>check-db names the failure class an operator acts on.</summary>
public class DbCheckClassificationTests
{
    [Fact]
    public void A_failed_name_lookup_is_dns()
    {
        var error = new TimeoutException("A timeout occurred after 5000ms selecting a server.",
            new InvalidOperationException("wrapper", new SocketException((int)SocketError.HostNotFound)));

        Assert.Equal("DNS lookup failed", DbCheckCommand.Classify(error));
    }

    [Fact]
    public void A_refused_connection_is_refused()
    {
        var error = new TimeoutException("A timeout occurred.", new SocketException((int)SocketError.ConnectionRefused));

        Assert.Equal("connection refused", DbCheckCommand.Classify(error));
    }

    [Fact]
    public void A_refusal_described_only_in_the_message_is_still_refused()
    {
        var error = new TimeoutException("... State: \"Disconnected\", Type: \"Unknown\", HeartbeatException: ... Connection refused 127.0.0.1:1");

        Assert.Equal("connection refused", DbCheckCommand.Classify(error));
    }

    [Fact]
    public void Authentication_failures_are_named()
    {
        var error = new TimeoutException("selecting a server", new InvalidOperationException("Authentication failed for user crm."));

        Assert.Equal("authentication failed", DbCheckCommand.Classify(error));
    }

    [Fact]
    public void A_plain_timeout_is_a_timeout()
    {
        Assert.Equal("timeout", DbCheckCommand.Classify(new TimeoutException("A timeout occurred after 1000ms selecting a server.")));
    }
}
