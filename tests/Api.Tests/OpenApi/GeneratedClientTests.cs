namespace CrmChatbot.Api.Tests.OpenApi;

/// <summary>
/// src/Client/Generated is what Kiota makes from openapi/v1.json: regenerating into a temporary
/// folder must give the same files. When it fails, run <c>bash scripts/update-contract.sh</c>.
/// </summary>
public sealed class GeneratedClientTests
{
    [Fact]
    public async Task The_generated_client_is_up_to_date_with_the_snapshot()
    {
        var committed = Path.Combine(Contract.RepoRoot, "src", "Client", "Generated");
        var fresh = Directory.CreateTempSubdirectory("crm-kiota-").FullName;
        try
        {
            var (exitCode, output) = await Contract.RunAsync(
                "bash", [Path.Combine(Contract.RepoRoot, "scripts", "update-contract.sh"), "--client-into", fresh], Contract.RepoRoot);
            Assert.True(exitCode == 0, "Kiota failed:\n" + output);

            var expected = SourceFiles(fresh);
            var actual = SourceFiles(committed);
            var missing = expected.Keys.Except(actual.Keys).ToList();
            var extra = actual.Keys.Except(expected.Keys).ToList();
            var changed = expected.Keys.Intersect(actual.Keys).Where(f => expected[f] != actual[f]).ToList();
            Assert.True(
                missing.Count + extra.Count + changed.Count == 0,
                "src/Client/Generated is stale (run: bash scripts/update-contract.sh). " +
                $"Missing: [{string.Join(", ", missing)}]; not generated any more: [{string.Join(", ", extra)}]; changed: [{string.Join(", ", changed)}]");
        }
        finally
        {
            Directory.Delete(fresh, recursive: true);
        }
    }

    /// <summary>The C# files by relative path (kiota-lock.json names the output folder, so it is left out).</summary>
    private static Dictionary<string, string> SourceFiles(string folder) =>
        !Directory.Exists(folder)
            ? []
            : Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).ToDictionary(
                file => Path.GetRelativePath(folder, file).Replace('\\', '/'),
                file => File.ReadAllText(file).ReplaceLineEndings("\n"),
                StringComparer.Ordinal);
}
