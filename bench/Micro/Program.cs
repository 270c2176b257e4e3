using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace CrmChatbot.Benchmarks.Micro;

public static class Program
{
    /// <summary>
    /// A short job run in this process (no per-benchmark child build): a few warm-up and measured
    /// iterations, enough to rank hot spots on a shared machine in a few minutes, not for 1% differences.
    /// </summary>
    public static void Main(string[] args)
    {
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("short-inprocess"))
            .AddExporter(MarkdownExporter.GitHub)
            .WithOptions(ConfigOptions.DisableLogFile);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
