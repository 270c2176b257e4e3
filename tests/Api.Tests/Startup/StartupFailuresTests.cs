using System.Net;
using System.Net.Sockets;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Silo;
using CrmChatbot.TestSupport;
using Microsoft.AspNetCore.Connections;

namespace CrmChatbot.Api.Tests.Startup;

public sealed class StartupFailuresTests
{
    private static CrmSettings Settings(int port, int siloPort, int gatewayPort, string host = "127.0.0.1") => new()
    {
        JwtSecretKey = new byte[32],
        Host = host,
        Port = port,
        SiloPort = siloPort,
        GatewayPort = gatewayPort,
    };

    private static TcpListener Occupy(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return listener;
    }

    [Theory]
    [InlineData(0, "PORT")]
    [InlineData(1, "SILO_PORT")]
    [InlineData(2, "GATEWAY_PORT")]
    public void A_taken_port_is_named_before_start(int which, string name)
    {
        int[] ports = [TestPorts.Reserve(), TestPorts.Reserve(), TestPorts.Reserve()];
        using var taken = Occupy(ports[which]);

        var line = StartupFailures.CheckPorts(Settings(ports[0], ports[1], ports[2]));

        Assert.Equal($"{name} {ports[which]} cannot be used on 127.0.0.1: another process is already listening there; set {name} to a free port", line);
    }

    [Fact]
    public void Free_ports_and_port_zero_pass_the_check()
    {
        Assert.Null(StartupFailures.CheckPorts(Settings(TestPorts.Reserve(), TestPorts.Reserve(), TestPorts.Reserve())));
        Assert.Null(StartupFailures.CheckPorts(Settings(0, TestPorts.Reserve(), TestPorts.Reserve())));
    }

    [Fact]
    public void Port_zero_needs_an_ip_address_as_host()
    {
        var line = StartupFailures.CheckPorts(Settings(0, TestPorts.Reserve(), TestPorts.Reserve(), host: "localhost"));

        Assert.StartsWith("PORT 0 (any free port) needs HOST to be an IP address", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Kestrel_losing_the_race_for_port_is_one_line_naming_port()
    {
        var port = TestPorts.Reserve();
        var kestrel = new IOException(
            $"Failed to bind to address http://127.0.0.1:{port}: address already in use.",
            new AddressInUseException("Address already in use", new SocketException((int)SocketError.AddressAlreadyInUse)));

        var line = StartupFailures.Describe(new AggregateException(kestrel), Settings(port, TestPorts.Reserve(), TestPorts.Reserve()));

        Assert.Equal($"PORT {port} cannot be used on 127.0.0.1: another process is already listening there; set PORT to a free port", line);
    }

    [Fact]
    public void Orleans_losing_the_race_names_the_listener_port_that_is_taken()
    {
        var settings = Settings(TestPorts.Reserve(), TestPorts.Reserve(), TestPorts.Reserve());
        using var taken = Occupy(settings.GatewayPort);
        // Orleans' listener failure does not say which port it was.
        var orleans = new InvalidOperationException("Lifecycle start canceled", new AddressInUseException("Address already in use"));

        var line = StartupFailures.Describe(orleans, settings);

        Assert.StartsWith($"GATEWAY_PORT {settings.GatewayPort} cannot be used", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_start_up_exceptions_are_not_port_problems()
    {
        var settings = Settings(TestPorts.Reserve(), TestPorts.Reserve(), TestPorts.Reserve());

        Assert.Null(StartupFailures.Describe(new InvalidOperationException("boom", new SocketException((int)SocketError.ConnectionRefused)), settings));
    }
}
