using System.Net;
using System.Net.Http.Json;

namespace CrmChatbot.Api.Tests.Auth;

/// <summary>A service of its own, so its only admins are the ones these tests make.</summary>
public sealed class LastAdminFixture : IAsyncLifetime
{
    public CrmApiFactory Factory { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class LastAdminTests(LastAdminFixture fixture) : IClassFixture<LastAdminFixture>
{
    private async Task<string> IdOfAsync(HttpClient client) =>
        (await ProblemAssert.JsonAsync(await client.GetAsync("/api/auth/me"), HttpStatusCode.OK)).GetProperty("id").GetString()!;

    private static async Task<int> ActiveAdminsAsync(HttpClient admin)
    {
        var list = await ProblemAssert.JsonAsync(await admin.GetAsync("/api/users?role=admin&is_active=true&limit=200"), HttpStatusCode.OK);
        return list.GetProperty("total").GetInt32();
    }

    /// <summary><paramref name="actor"/> demotes every active admin but <paramref name="keep"/>.</summary>
    private static async Task OnlyAdminsAsync(HttpClient actor, params string[] keep)
    {
        var admins = await ProblemAssert.JsonAsync(await actor.GetAsync("/api/users?role=admin&is_active=true&limit=200"), HttpStatusCode.OK);
        foreach (var id in admins.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetString()!).Where(id => !keep.Contains(id)))
        {
            Assert.Equal(HttpStatusCode.OK, (await actor.PatchAsJsonAsync($"/api/users/{id}", new { role = "agent" })).StatusCode);
        }

        Assert.Equal(keep.Length, await ActiveAdminsAsync(actor));
    }

    [Fact]
    public async Task Two_admins_demoting_each_other_at_once_always_leave_an_active_admin()
    {
        var factory = fixture.Factory;
        using var a = factory.ClientWithToken(await factory.AdminTokenAsync());
        var (bId, bToken) = await factory.CreateUserAsync("admin");
        using var b = factory.ClientWithToken(bToken);
        var aId = await IdOfAsync(a);
        await OnlyAdminsAsync(b, aId, bId);

        for (var round = 0; round < 20; round++)
        {
            // Demotion and deactivation alternate: both end an active admin.
            object patch = round % 2 == 0 ? new { role = "agent" } : new { is_active = false };
            var answers = await Task.WhenAll(a.PatchAsJsonAsync($"/api/users/{bId}", patch), b.PatchAsJsonAsync($"/api/users/{aId}", patch));

            var winner = Assert.Single(answers, r => r.StatusCode == HttpStatusCode.OK);
            var loser = Assert.Single(answers, r => r.StatusCode != HttpStatusCode.OK);
            // 409 when the roster refused; 403 (demoted) or 401 (deactivated) when the other change had
            // already landed when the loser's request was authorized.
            Assert.Contains(loser.StatusCode, new[] { HttpStatusCode.Conflict, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized });
            await ProblemAssert.IsProblemAsync(loser, loser.StatusCode);

            var (survivor, demotedId) = winner == answers[0] ? (a, bId) : (b, aId);
            Assert.Equal(1, await ActiveAdminsAsync(survivor));
            Assert.Equal(HttpStatusCode.OK,
                (await survivor.PatchAsJsonAsync($"/api/users/{demotedId}", new { role = "admin", is_active = true })).StatusCode);
            Assert.Equal(2, await ActiveAdminsAsync(survivor));
        }
    }

    [Fact]
    public async Task The_last_active_admin_is_409_for_demotion_deactivation_and_deletion()
    {
        var factory = fixture.Factory;
        using var a = factory.ClientWithToken(await factory.AdminTokenAsync());
        var (bId, bToken) = await factory.CreateUserAsync("admin");
        using var b = factory.ClientWithToken(bToken);
        // Every other admin steps down, so B is the last; then B tries to leave by each way.
        await OnlyAdminsAsync(b, bId);
        await ProblemAssert.IsProblemAsync(await b.PatchAsJsonAsync($"/api/users/{bId}", new { role = "agent" }), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await b.PatchAsJsonAsync($"/api/users/{bId}", new { is_active = false }), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await b.DeleteAsync($"/api/users/{bId}"), HttpStatusCode.Conflict);
        Assert.Equal(1, await ActiveAdminsAsync(b));

        // Put the bootstrap admin back: the other test starts from it.
        var aId = (await ProblemAssert.JsonAsync(await b.GetAsync($"/api/users?q={Uri.EscapeDataString(CrmApiFactory.AdminEmail)}"), HttpStatusCode.OK))
            .GetProperty("items")[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await b.PatchAsJsonAsync($"/api/users/{aId}", new { role = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/api/users")).StatusCode);
    }
}
