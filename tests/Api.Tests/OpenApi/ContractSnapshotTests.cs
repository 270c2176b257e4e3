namespace CrmChatbot.Api.Tests.OpenApi;

/// <summary>
/// The served document must equal the committed openapi/v1.json, so every contract change shows in a diff.
/// After an intended change: <c>bash scripts/update-contract.sh</c> (snapshot and generated client).
/// </summary>
[Collection(SqliteApiCollection.Name)]
public sealed class ContractSnapshotTests(SqliteApiFixture fixture)
{
    public const string UpdateVariable = "UPDATE_OPENAPI_SNAPSHOT";

    [Fact]
    public async Task The_served_document_equals_the_committed_snapshot()
    {
        var served = await Contract.ServedAsync(fixture);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Contract.SnapshotPath)!);
            await File.WriteAllTextAsync(Contract.SnapshotPath, served);
        }

        var committed = File.Exists(Contract.SnapshotPath) ? await File.ReadAllTextAsync(Contract.SnapshotPath) : "";
        Assert.True(
            committed.ReplaceLineEndings("\n") == served,
            $"The served OpenAPI document differs from openapi/v1.json (first difference at line {FirstDifferentLine(committed, served)}). " +
            "If the change is intended, run: bash scripts/update-contract.sh, and review the diff (README: Contract rules).");
    }

    private static int FirstDifferentLine(string committed, string served)
    {
        var a = committed.ReplaceLineEndings("\n").Split('\n');
        var b = served.Split('\n');
        var line = 0;
        while (line < a.Length && line < b.Length && a[line] == b[line])
        {
            line++;
        }

        return line + 1;
    }
}
