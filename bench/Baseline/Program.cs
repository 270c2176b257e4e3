using System.Text.Json;
using CrmChatbot.Api;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Bench.Baseline;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Sqlite;
using CrmChatbot.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;

// The ceiling for an authenticated JSON endpoint on this machine: bare Kestrel serving
// GET /api/leads/{id} from a dictionary, with the service's own JWT validation (the same
// JwtTokens.ValidationParameters: HS256 pinned, issuer, audience, lifetime), the same staff-role
// policy and the same JSON options, and a document of the same size (a lead fetched from the
// service, re-keyed for every id). No grain, no account check, no storage.
// PATCH /api/leads/{id} ({"notes": ...}) measures the ceiling of a durable write, chosen by
// BASELINE_WRITES: "sqlite:<data-dir>" writes the lead through the service's SQLite grain storage
// (a copy of its data directory), "journal:<file>" appends it to an fsync'd file (group commit).
// Usage: Baseline <sample-lead.json> <ids-file>; PORT, HOST and JWT_SECRET_KEY as for the service.
// No appsettings reload watcher, as in the service (src/Silo/Program.cs): it watches the working directory
// recursively, data directory included, and handled an inotify event for every write of the SQLite ceiling
// (8.5% of that scenario's CPU measured on its File Watch thread).
var builder = WebApplication.CreateBuilder([.. args[2..], "--hostBuilder:reloadConfigOnChange=false"]);
builder.Logging.ClearProviders();
var settings = CrmSettings.Load(builder.Configuration, builder.Environment);
builder.WebHost.UseUrls($"http://{settings.Host}:{settings.Port}");
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<JwtTokens>();
builder.Services.ConfigureHttpJsonOptions(options => CrmApiExtensions.Configure(options.SerializerOptions));
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
    .Configure<JwtTokens>((options, tokens) =>
    {
        options.MapInboundClaims = false;
        options.TokenValidationParameters = tokens.ValidationParameters();
    });
builder.Services.AddAuthorizationBuilder().AddPolicy(Policies.Staff, p => p.RequireRole(UserRoles.Admin, UserRoles.Agent));

var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
CrmApiExtensions.Configure(json);
var sample = JsonSerializer.Deserialize<LeadDto>(File.ReadAllText(args[0]), json)
    ?? throw new InvalidOperationException("the sample lead is empty");
var leads = File.ReadLines(args[1]).Where(id => id.Length > 0).Distinct()
    .ToDictionary(id => id, id => sample with { Id = id });

ILeadWrites? writes = Environment.GetEnvironmentVariable("BASELINE_WRITES")?.Split(':', 2) switch
{
    null => null,
    ["sqlite", var dir] => await LoadedAsync(new SqliteLeadWrites(new SqliteStore(dir), TimeProvider.System), leads.Keys),
    ["journal", var file] => new JournalLeadWrites(file, leads, TimeProvider.System),
    var other => throw new InvalidOperationException($"BASELINE_WRITES '{string.Join(':', other)}': sqlite:<dir> or journal:<file>"),
};

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/api/leads/{id}", (string id, HttpResponse response) =>
{
    if (!leads.TryGetValue(id, out var lead))
    {
        return Results.NotFound();
    }

    response.Headers.ETag = $"\"{lead.Version}\"";
    return Results.Ok(lead);
}).RequireAuthorization(Policies.Staff);
if (writes is not null)
{
    app.MapPatch("/api/leads/{id}", async (string id, NotesPatch patch, HttpResponse response) =>
    {
        if (await writes.UpdateNotesAsync(id, patch.Notes) is not { } lead)
        {
            return Results.NotFound();
        }

        response.Headers.ETag = $"\"{lead.Version}\"";
        return Results.Ok(lead);
    }).RequireAuthorization(Policies.Staff);
}

app.MapGet("/health", () => Results.Ok());
app.Run();

static async Task<ILeadWrites> LoadedAsync(SqliteLeadWrites writes, IEnumerable<string> ids)
{
    await writes.LoadAsync(ids);
    return writes;
}
