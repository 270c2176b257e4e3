using System.Text.Json;
using CrmChatbot.Api;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Leads;
using CrmChatbot.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;

// The ceiling for an authenticated JSON endpoint on this machine: bare Kestrel serving
// GET /api/leads/{id} from a dictionary, with the service's own JWT validation (the same
// JwtTokens.ValidationParameters: HS256 pinned, issuer, audience, lifetime), the same staff-role
// policy and the same JSON options, and a document of the same size (a lead fetched from the
// service, re-keyed for every id). No grain, no account check, no storage.
// Usage: Baseline <sample-lead.json> <ids-file>; PORT, HOST and JWT_SECRET_KEY as for the service.
var builder = WebApplication.CreateBuilder(args[2..]);
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
app.MapGet("/health", () => Results.Ok());
app.Run();
