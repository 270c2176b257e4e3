using CrmChatbot.Api.Configuration;
using CrmChatbot.Common;
using CrmChatbot.Users;

namespace CrmChatbot.Silo;

/// <summary>
/// Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when that account does not exist.
/// Runs after the silo has started and before the API serves requests; an existing account is
/// left exactly as it is (its password is not reset from the environment).
/// </summary>
public sealed partial class AdminBootstrapper(CrmSettings settings, IGrainFactory grains, ILogger<AdminBootstrapper> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.AdminEmail is null)
        {
            LogNoAdmin(logger);
            return;
        }

        if (settings.AdminPasswordIsExample)
        {
            // Outside Development the settings refuse it; here it keeps the quick start working.
            LogExamplePassword(logger);
        }

        var result = await grains.GetGrain<IUserGrain>(EmailKey.Normalize(settings.AdminEmail))
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

    [LoggerMessage(LogLevel.Warning, "ADMIN_EMAIL is not set: no admin account is created at start-up")]
    private static partial void LogNoAdmin(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "ADMIN_PASSWORD is the example password from the docs: accepted in Development only")]
    private static partial void LogExamplePassword(ILogger logger);

    [LoggerMessage(LogLevel.Information, "Created the admin account {Email}")]
    private static partial void LogCreated(ILogger logger, string email);

    [LoggerMessage(LogLevel.Information, "Admin account {Email} already exists; left unchanged")]
    private static partial void LogExists(ILogger logger, string email);
}
