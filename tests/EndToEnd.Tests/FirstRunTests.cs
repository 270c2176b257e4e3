using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CrmChatbot.TestSupport;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>A newcomer's first run: Development without ADMIN_EMAIL still gives them an admin to sign in with.</summary>
public sealed partial class FirstRunTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("crm-first-run-").FullName;

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

    private Dictionary<string, string?> Environment(string environmentName)
    {
        var environment = SiloProcess.Environment(_dataDir);
        environment["ASPNETCORE_ENVIRONMENT"] = environmentName;
        environment.Remove("ADMIN_EMAIL");
        environment.Remove("ADMIN_PASSWORD");
        return environment;
    }

    [Fact]
    public async Task Development_without_ADMIN_EMAIL_creates_admin_at_localhost_once_and_forgets_the_password_file_after_a_change()
    {
        var file = Path.Combine(_dataDir, "initial-admin-password");
        string password;
        await using (var first = SiloProcess.Start(Environment("Development")))
        {
            await first.WaitReadyAsync();
            var shown = PasswordLine().Match(first.Output);
            Assert.True(shown.Success, first.Output);
            password = shown.Groups[1].Value;
            Assert.Contains("email:    admin@localhost", first.Output, StringComparison.Ordinal);
            Assert.Equal(password, (await File.ReadAllTextAsync(file)).Trim());
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            var token = await first.LoginAsync("admin@localhost", password);
            using var admin = first.AuthorizedClient(token);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/users")).StatusCode); // an admin indeed
            Assert.Equal(0, await first.StopAsync());
        }

        // A second run finds the account: no new password, the first one still works.
        await using (var second = SiloProcess.Start(Environment("Development")))
        {
            await second.WaitReadyAsync();
            Assert.DoesNotMatch(PasswordLine(), second.Output);
            var token = await second.LoginAsync("admin@localhost", password);
            using var admin = second.AuthorizedClient(token);
            using var changed = await admin.PostAsJsonAsync("/api/auth/password", new { current_password = password, new_password = "my-own-Passphrase-2026" });
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            Assert.False(File.Exists(file), "the password file outlived the password");
        }
    }

    [Fact]
    public async Task Outside_Development_nothing_is_created_without_ADMIN_EMAIL()
    {
        await using var silo = SiloProcess.Start(Environment("Production"));
        await silo.WaitReadyAsync();

        Assert.DoesNotMatch(PasswordLine(), silo.Output);
        Assert.False(File.Exists(Path.Combine(_dataDir, "initial-admin-password")));
        using var login = await silo.Http.PostAsJsonAsync("/api/auth/login", new { email = "admin@localhost", password = "anything-at-all-1" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [GeneratedRegex(@"password: (\S+)")]
    private static partial Regex PasswordLine();
}
