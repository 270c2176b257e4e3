using System.Net;

namespace CrmChatbot.Api.Tests.Admin;

[Collection(SqliteApiCollection.Name)]
public sealed class BackupTestsOnSqlite(SqliteApiFixture fixture)
{
    [Fact]
    public async Task An_admin_backup_is_a_new_sqlite_file_under_the_data_directory()
    {
        using var admin = fixture.Admin();

        var first = await ProblemAssert.JsonAsync(await admin.PostAsync("/api/admin/backup", null), HttpStatusCode.Created);
        var second = await ProblemAssert.JsonAsync(await admin.PostAsync("/api/admin/backup", null), HttpStatusCode.Created);

        var path = first.GetProperty("path").GetString()!;
        Assert.StartsWith(Path.Combine(fixture.Factory.DataDir, "backups"), path, StringComparison.Ordinal);
        Assert.NotEqual(path, second.GetProperty("path").GetString());
        Assert.Equal(new FileInfo(path).Length, first.GetProperty("bytes").GetInt64());
        var header = new byte[16];
        await using (var file = File.OpenRead(path))
        {
            await file.ReadExactlyAsync(header);
        }

        Assert.Equal("SQLite format 3\0", System.Text.Encoding.ASCII.GetString(header));
    }

    [Fact]
    public async Task Only_admins_take_backups()
    {
        using var agent = fixture.Agent();
        using var anonymous = fixture.Anonymous();

        await ProblemAssert.JsonAsync(await agent.PostAsync("/api/admin/backup", null), HttpStatusCode.Forbidden);
        await ProblemAssert.JsonAsync(await anonymous.PostAsync("/api/admin/backup", null), HttpStatusCode.Unauthorized);
    }
}

[Collection(MongoApiCollection.Name)]
public sealed class BackupTestsOnMongo(MongoApiFixture fixture)
{
    [Fact]
    public async Task MongoDB_backups_are_not_the_service_s_job()
    {
        using var admin = fixture.Admin();

        var problem = await ProblemAssert.JsonAsync(await admin.PostAsync("/api/admin/backup", null), HttpStatusCode.NotFound);

        Assert.Contains("mongodump", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
