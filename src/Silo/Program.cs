using CrmChatbot.Api;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Silo;

// A .env file in the working directory fills in variables the environment does not set.
var dotEnv = Path.Combine(Directory.GetCurrentDirectory(), ".env");
if (File.Exists(dotEnv))
{
    DotNetEnv.Env.NoClobber().Load(dotEnv);
}

// `check-db` and `backup FILE` are commands, not configuration arguments.
var checkDb = args.Length > 0 && args[0] == "check-db";
var backup = args.Length > 0 && args[0] == "backup";
// Settings are read once at start, so appsettings*.json need no reload watcher; and that watcher covers the
// whole content root, where the default DATA_DIR (./data) lives: it woke up on every database write (~9% of
// the CPU of a write benchmark).
var builder = WebApplication.CreateBuilder([.. checkDb ? args[1..] : backup ? args[Math.Min(2, args.Length)..] : args, "--hostBuilder:reloadConfigOnChange=false"]);
CrmSettings settings;
try
{
    settings = CrmSettings.Load(builder.Configuration, builder.Environment, requireSigningKey: !checkDb && !backup);
}
catch (SettingsException ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 1;
}

if (backup)
{
    return BackupCommand.Run(settings, args.Length > 1 ? args[1] : null, Console.Out, Console.Error);
}

if (checkDb)
{
    return await DbCheckCommand.RunAsync(settings, Console.Out, Console.Error);
}

if (StartupFailures.CheckPorts(settings) is { } portProblem)
{
    await Console.Error.WriteLineAsync($"error: {portProblem}");
    return 1;
}

builder.AddCrmSilo(settings);
var app = builder.Build();
var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CrmChatbot");

// Open the store before the silo starts, so a locked DATA_DIR or an unreachable MongoDB stops
// start-up with one clear line instead of a stack trace.
if (await StoreStartup.OpenAsync(app.Services, settings, logger, app.Lifetime.ApplicationStopping) is { } failure)
{
    await Console.Error.WriteLineAsync($"error: {failure}");
    return 1;
}

// Silos on one MongoDB database must form one cluster: see SiloLeaseGuard.
SiloLeaseGuard? leaseGuard = null;
if (settings.MongoUrl is not null)
{
    var (guard, refusal) = await SiloLeaseGuard.CheckAsync(
        app.Services.GetRequiredService<CrmChatbot.Storage.Mongo.MongoStore>(), settings, app.Lifetime.ApplicationStopping);
    if (refusal is not null)
    {
        await Console.Error.WriteLineAsync($"error: {refusal}");
        return 1;
    }

    leaseGuard = guard;
}

if (settings.JwtKeyGenerated)
{
    logger.LogWarning("JWT_SECRET_KEY is not set: using a random key for this run (Development only); tokens end with the process");
}

app.MapCrmApi();
try
{
    await app.StartAsync();
}
catch (Exception ex) when (StartupFailures.Describe(ex, settings) is { } reason)
{
    // Lost a race for a port after the check above: still one line, not an unhandled exception.
    await Console.Error.WriteLineAsync($"error: {reason}");
    if (leaseGuard is not null)
    {
        await leaseGuard.DisposeAsync();
    }

    return 1;
}

leaseGuard?.KeepRenewing(app.Lifetime, logger);

// The bound address, not the configured one: with PORT=0 the system picks the port (tests read it here).
logger.LogInformation(
    "CrmChatbot is serving {Urls} (docs: /docs), store: {Store}",
    string.Join(", ", app.Urls.Where(url => settings.Telemetry.MetricsPort is not { } metrics || !url.EndsWith($":{metrics}", StringComparison.Ordinal))),
    settings.MongoUrl is null ? settings.DataDir : "MongoDB " + settings.DbName);
await app.WaitForShutdownAsync();
if (leaseGuard is not null)
{
    // Only now: the silo has stopped, so no grain of this silo is still writing.
    await leaseGuard.DisposeAsync();
}

await app.DisposeAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
