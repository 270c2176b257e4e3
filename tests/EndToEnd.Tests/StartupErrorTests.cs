using System.Net;
using System.Net.Sockets;
using CrmChatbot.TestSupport;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>Start-up refusals an operator meets: one line on the console, exit code 1, no stack trace.</summary>
public sealed class StartupErrorTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("crm-startup-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Theory]
    [InlineData("PORT")]
    [InlineData("SILO_PORT")]
    [InlineData("GATEWAY_PORT")]
    public async Task A_port_in_use_is_one_line_naming_the_variable(string name)
    {
        var port = TestPorts.Reserve();
        using var other = new TcpListener(IPAddress.Loopback, port);
        other.Start();
        var environment = SiloProcess.Environment(_dataDir);
        environment[name] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using var silo = SiloProcess.Start(environment);
        var exit = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        var line = Assert.Single(silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {name} {port} cannot be used on 127.0.0.1: another process is already listening there; set {name} to a free port", line.TrimEnd('\r'));
    }

    [Fact]
    public async Task Port_zero_serves_on_the_port_the_system_picked_and_reports_it()
    {
        await using var silo = SiloProcess.Start(SiloProcess.Environment(_dataDir));
        await silo.WaitReadyAsync();

        Assert.NotEqual(0, silo.Port);
        Assert.Contains($"CrmChatbot is serving http://127.0.0.1:{silo.Port}", silo.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/live")).StatusCode);
    }
}
