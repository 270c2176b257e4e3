using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Common;
using CrmChatbot.Users;

namespace CrmChatbot.Silo;

/// <summary>
/// Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when that account does not exist.
/// Runs after the silo has started and before the API serves requests; an existing account is
/// left exactly as it is (its password is not reset from the environment).
/// </summary>
public sealed partial class AdminBootstrapper(
    CrmSettings settings, IGrainFactory grains, IHostEnvironment environment, ILogger<AdminBootstrapper> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.AdminEmail is null)
        {
            if (environment.IsDevelopment())
            {
                await CreateInitialAdminAsync();
            }
            else
            {
                LogNoAdmin(logger);
            }

            return;
        }

        if (settings.AdminPasswordIsExample)
        {
            // Outside Development the settings refuse it; here it keeps the quick start working.
            LogExamplePassword(logger);
        }

        var result = await grains.Reference<IUserGrain>(EmailKey.Normalize(settings.AdminEmail))
            .RegisterAsync(new NewUser(settings.AdminEmail, settings.AdminPassword, settings.AdminName, UserRole.Admin));
        if (result.IsSuccess)
        {
            LogCreated(logger, result.Value!.Email);
        }
        else if (result.Error!.Kind == ErrorKind.Conflict)
        {
            LogExists(logger, settings.AdminEmail);
        }
        else
        {
            var fields = string.Join("; ", result.Error.Fields?.Select(f => $"{f.Key} {string.Join(", ", f.Value)}") ?? []);
            throw new InvalidOperationException($"ADMIN_EMAIL/ADMIN_PASSWORD cannot create the admin: {fields}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// A first run in Development without ADMIN_EMAIL: admin@localhost with a random password, shown once and kept
    /// in DATA_DIR/initial-admin-password (mode 0600) until changed. Later runs find the account and leave it.
    /// </summary>
    private async Task CreateInitialAdminAsync()
    {
        var password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18))
            .Replace('+', '-').Replace('/', '_');
        var result = await grains.Reference<IUserGrain>(EmailKey.Normalize(InitialAdmin.Email))
            .RegisterAsync(new NewUser(InitialAdmin.Email, password, settings.AdminName, UserRole.Admin));
        if (!result.IsSuccess)
        {
            if (result.Error!.Kind != ErrorKind.Conflict)
            {
                throw new InvalidOperationException($"The initial admin {InitialAdmin.Email} cannot be created: {result.Error.Message}");
            }

            LogExists(logger, InitialAdmin.Email);
            return;
        }

        var file = InitialAdmin.FilePath(settings);
        Directory.CreateDirectory(settings.DataDir);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var writer = new StreamWriter(file, System.Text.Encoding.UTF8, options))
        {
            await writer.WriteLineAsync(password);
        }

        LogInitialAdmin(logger, InitialAdmin.Email, password, file);
    }

    [LoggerMessage(LogLevel.Warning, """

        ================================================================
          First run: created the admin account (Development only)
            email:    {Email}
            password: {Password}
          Shown once; also in {File} until you change it
          (POST /api/auth/password). Set ADMIN_EMAIL/ADMIN_PASSWORD to choose your own.
        ================================================================
        """)]
    private static partial void LogInitialAdmin(ILogger logger, string email, string password, string file);

    [LoggerMessage(LogLevel.Warning, "ADMIN_EMAIL is not set: no admin account is created at start-up (outside Development)")]
    private static partial void LogNoAdmin(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "ADMIN_PASSWORD is the example password from the docs: accepted in Development only")]
    private static partial void LogExamplePassword(ILogger logger);

    [LoggerMessage(LogLevel.Information, "Created the admin account {Email}")]
    private static partial void LogCreated(ILogger logger, string email);

    [LoggerMessage(LogLevel.Information, "Admin account {Email} already exists; left unchanged")]
    private static partial void LogExists(ILogger logger, string email);
}
