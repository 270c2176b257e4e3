using CrmChatbot.Api;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Silo;
using CrmChatbot.Storage.LiteDb;

// A .env file in the working directory fills in variables the environment does not set.
var dotEnv = Path.Combine(Directory.GetCurrentDirectory(), ".env");
if (File.Exists(dotEnv))
{
    DotNetEnv.Env.NoClobber().Load(dotEnv);
}

var builder = WebApplication.CreateBuilder(args);
CrmSettings settings;
try
{
    settings = CrmSettings.Load(builder.Configuration, builder.Environment);
}
catch (SettingsException ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 2;
}

if (settings.MongoUrl is not null)
{
    await Console.Error.WriteLineAsync(
        "error: MONGO_URL is set, but this build has only the embedded store; unset MONGO_URL to store data under DATA_DIR");
    return 2;
}

builder.AddCrmSilo(settings);
var app = builder.Build();
var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CrmChatbot");

try
{
    // Open the store now, so a locked or unreadable DATA_DIR fails start-up with one clear line.
    app.Services.GetRequiredService<LiteDbStore>();
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
{
    await Console.Error.WriteLineAsync($"error: DATA_DIR {settings.DataDir}: {ex.Message}");
    return 1;
}

if (settings.JwtKeyGenerated)
{
    logger.LogWarning("JWT_SECRET_KEY is not set: using a random key for this run (Development only); tokens end with the process");
}

app.MapCrmApi();
app.Lifetime.ApplicationStarted.Register(() => logger.LogInformation(
    "CrmChatbot is serving http://{Host}:{Port} (docs: /docs), data in {DataDir}", settings.Host, settings.Port, settings.DataDir));
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
