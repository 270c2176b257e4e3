using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrmChatbot.Api.Tests.OpenApi;

/// <summary>The served OpenAPI document as the committed snapshot holds it, and the tools that check it.</summary>
public static class Contract
{
    /// <summary>The documented server; the served one is whatever address the document was fetched from.</summary>
    public const string SnapshotServer = "http://localhost:8000";

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SnapshotPath => Path.Combine(RepoRoot, "openapi", "v1.json");

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<string> ServedAsync(ApiFixture fixture)
    {
        using var http = fixture.Anonymous();
        var response = await http.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        return Normalize(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Removes what depends on the machine (the server address) and fixes the layout, so diffs show contract changes only.</summary>
    public static string Normalize(string json)
    {
        var document = JsonNode.Parse(json)!.AsObject();
        document["servers"] = new JsonArray(new JsonObject { ["url"] = SnapshotServer });
        return document.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>An executable on PATH, or null.</summary>
    public static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);

    private static string FindRepoRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CrmChatbot.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("CrmChatbot.sln not found above " + AppContext.BaseDirectory);
    }
}
