using BenchmarkDotNet.Attributes;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;

namespace CrmChatbot.Benchmarks.Micro;

/// <summary>Calls to a warm lead grain through an in-process silo on a SQLite file (no HTTP).</summary>
[MemoryDiagnoser]
public class GrainCallBenchmarks
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"crm-micro-grain-{Guid.NewGuid():N}");
    private IHost _host = null!;
    private ILeadGrain _lead = null!;
    private readonly Actor _actor = new(ActorKind.System);

    [GlobalSetup]
    public void Setup()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort());
            silo.Services.AddSqliteCrmStorage(_dir);
            silo.Services.AddSqliteCrmReminders();
            silo.Services.AddCrmGrains();
        });
        _host = builder.Build();
        _host.Start();
        var grains = _host.Services.GetRequiredService<IGrainFactory>();
        _lead = grains.GetGrain<ILeadGrain>("bench-lead");
        var created = _lead.CreateAsync(new NewLead("Ada Lovelace", "ada@example.com", Company: "Acme Corp"), _actor).GetAwaiter().GetResult();
        if (!created.IsSuccess)
        {
            throw new InvalidOperationException($"Could not create the lead: {created.Error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Description = "warm lead grain: GetAsync")]
    public Task<LeadDto?> Get() => _lead.GetAsync();

    [Benchmark(Description = "warm lead grain: UpdateAsync (durable write)")]
    public Task<CommandResult<LeadDto>> Update() =>
        _lead.UpdateAsync(new LeadPatch { Notes = Optional<string>.Of(Random.Shared.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)) }, _actor);
}
