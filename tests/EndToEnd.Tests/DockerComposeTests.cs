using System.Diagnostics;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>
/// docker-compose.yml describes the cluster topology (MongoDB, three silos on the MongoDB membership
/// table, a load balancer on :8000). No Docker engine runs here: `docker-compose config` validates it.
/// </summary>
public sealed class DockerComposeTests
{
    private static async Task<(int ExitCode, string Output)> ConfigAsync(IDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo("docker-compose")
        {
            ArgumentList = { "-f", Path.Combine(RepositoryRoot(), "docker-compose.yml"), "config" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in new[] { "JWT_SECRET_KEY", "ADMIN_PASSWORD", "ADMIN_EMAIL", "CORS_ORIGINS" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("docker-compose did not start (run scripts/setup.sh)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task The_compose_file_is_valid_and_describes_mongo_three_silos_and_a_load_balancer()
    {
        var (exit, output) = await ConfigAsync(new Dictionary<string, string?>
        {
            ["JWT_SECRET_KEY"] = "a-signing-key-of-at-least-thirty-two-bytes",
            ["ADMIN_PASSWORD"] = "change-me-now",
        });

        Assert.True(exit == 0, output);
        foreach (var service in new[] { "mongo:", "silo1:", "silo2:", "silo3:", "lb:" })
        {
            Assert.Contains(service, output, StringComparison.Ordinal);
        }

        Assert.Contains("CLUSTERING: mongo", output, StringComparison.Ordinal);
        Assert.Contains("MONGO_URL: mongodb://mongo:27017", output, StringComparison.Ordinal);
        Assert.Contains("mongo-data:/data/db", output, StringComparison.Ordinal);
        Assert.Contains("published: 8000", output, StringComparison.Ordinal);
        // Docker's default 10 s would cut a graceful stop (SHUTDOWN_TIMEOUT_SECONDS = 30) short.
        Assert.Equal(3, output.Split("stop_grace_period: 40s").Length - 1);
        foreach (var ip in new[] { "172.28.0.11", "172.28.0.12", "172.28.0.13" })
        {
            Assert.Contains($"ADVERTISED_IP: {ip}", output, StringComparison.Ordinal);
        }

        // The silos trust forwarded headers from the load balancer's fixed address, and from nothing else.
        Assert.Equal(3, output.Split("KNOWN_PROXIES: 172.28.0.5").Length - 1);
        Assert.Contains("ipv4_address: 172.28.0.5", output, StringComparison.Ordinal);
        // No cross-origin access unless CORS_ORIGINS is given.
        Assert.DoesNotContain("CORS_ORIGINS: '*'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("CORS_ORIGINS: \"*\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_are_required_not_defaulted()
    {
        var (exit, output) = await ConfigAsync(new Dictionary<string, string?>());

        Assert.NotEqual(0, exit);
        Assert.Contains("JWT_SECRET_KEY", output, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrmChatbot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CrmChatbot.sln not found");
    }
}
