using CrmChatbot.Common;
using CrmChatbot.Users;

namespace CrmChatbot.Grains.Tests;

[Collection(ClusterCollection.Name)]
public class UserGrainTests(ClusterFixture fixture)
{
    private static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";

    private IUserGrain User(string email) => fixture.Grains.GetGrain<IUserGrain>(EmailKey.Normalize(email));

    [Fact]
    public async Task Racing_registrations_of_one_email_in_any_case_create_exactly_one_account()
    {
        var email = NewEmail();
        var variants = new[] { email, email.ToUpperInvariant(), "  " + email + " ", email.ToUpperInvariant() };

        var results = await Task.WhenAll(variants.Select(v =>
            User(v).RegisterAsync(new NewUser(v, "correct horse", "Racer"))));

        Assert.Single(results, r => r.IsSuccess);
        Assert.Equal(3, results.Count(r => r.Error?.Kind == ErrorKind.Conflict));
    }

    [Fact]
    public async Task The_password_is_stored_only_as_a_bcrypt_hash()
    {
        var email = NewEmail();
        var created = await User(email).RegisterAsync(new NewUser(email, "correct horse", "Hash Check"));

        var document = fixture.Store.State(StorageNames.Users, EmailKey.Normalize(email))!;
        var hash = document["password_hash"]!.GetValue<string>();

        Assert.StartsWith("$2", hash, StringComparison.Ordinal);
        Assert.DoesNotContain("correct horse", document.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(UserRole.Client, created.Value!.Role);
        Assert.Equal(11, int.Parse(hash.Split('$')[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Login_succeeds_with_the_password_and_fails_alike_for_wrong_password_and_unknown_user()
    {
        var email = NewEmail();
        await User(email).RegisterAsync(new NewUser(email, "correct horse", "Login"));

        var ok = await User(email.ToUpperInvariant()).LoginAsync("correct horse");
        var wrong = await User(email).LoginAsync("wrong horse");
        var unknown = await User(NewEmail()).LoginAsync("correct horse");

        Assert.Equal(LoginOutcome.Success, ok.Outcome);
        Assert.Equal(EmailKey.Normalize(email), ok.User!.Email);
        Assert.Equal(LoginOutcome.InvalidCredentials, wrong.Outcome);
        Assert.Equal(wrong, unknown);
    }

    [Fact]
    public async Task Repeated_failures_are_throttled_even_for_the_right_password()
    {
        var email = NewEmail();
        var grain = User(email);
        await grain.RegisterAsync(new NewUser(email, "correct horse", "Throttled"));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(LoginOutcome.InvalidCredentials, (await grain.LoginAsync("guess " + i)).Outcome);
        }

        var blocked = await grain.LoginAsync("correct horse");

        Assert.Equal(LoginOutcome.Throttled, blocked.Outcome);
        Assert.InRange(blocked.RetryAfterSeconds, 1, 300);
    }

    [Fact]
    public async Task A_strangers_failures_lock_out_only_the_strangers_address()
    {
        var email = NewEmail();
        var grain = User(email);
        await grain.RegisterAsync(new NewUser(email, "correct horse", "Victim"));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(LoginOutcome.InvalidCredentials, (await grain.LoginAsync("guess " + i, "203.0.113.7")).Outcome);
        }

        Assert.Equal(LoginOutcome.Throttled, (await grain.LoginAsync("correct horse", "203.0.113.7")).Outcome);
        Assert.Equal(LoginOutcome.Success, (await grain.LoginAsync("correct horse", "198.51.100.1")).Outcome);
    }

    [Fact]
    public async Task A_password_change_checks_the_current_password_and_moves_the_token_generation_on()
    {
        var email = NewEmail();
        var grain = User(email);
        var created = await grain.RegisterAsync(new NewUser(email, "correct horse", "Changer"));

        var wrong = await grain.ChangePasswordAsync("not my password", "battery staple 42");
        var weak = await grain.ChangePasswordAsync("correct horse", "1234567890");
        var changed = await grain.ChangePasswordAsync("correct horse", "battery staple 42");

        Assert.Equal(["current_password"], wrong.Error!.Fields!.Keys);
        Assert.Equal(["new_password"], weak.Error!.Fields!.Keys);
        Assert.Equal(created.Value!.TokenGeneration + 1, changed.Value!.TokenGeneration);
        Assert.Equal(LoginOutcome.InvalidCredentials, (await grain.LoginAsync("correct horse")).Outcome);
        Assert.Equal(LoginOutcome.Success, (await grain.LoginAsync("battery staple 42")).Outcome);

        var reset = await grain.ResetPasswordAsync("a brand new passphrase");
        await fixture.DeactivateAllAsync();
        Assert.Equal(created.Value.TokenGeneration + 2, reset.Value!.TokenGeneration);
        Assert.Equal(reset.Value.TokenGeneration, (await grain.GetAsync())!.TokenGeneration);
        Assert.Equal(LoginOutcome.Success, (await grain.LoginAsync("a brand new passphrase")).Outcome);
    }

    [Fact]
    public async Task A_deactivated_account_cannot_log_in_and_updates_persist()
    {
        var email = NewEmail();
        var grain = User(email);
        await grain.RegisterAsync(new NewUser(email, "correct horse", "Agent Smith"));

        var updated = await grain.UpdateAsync(new UserPatch
        {
            Role = Optional<UserRole>.Of(UserRole.Agent),
            IsActive = Optional<bool>.Of(false),
            Name = Optional<string>.Of("Agent Jones"),
        });
        await fixture.DeactivateAllAsync();

        Assert.True(updated.IsSuccess);
        var read = await grain.GetAsync();
        Assert.Equal(UserRole.Agent, read!.Role);
        Assert.False(read.IsActive);
        Assert.Equal("Agent Jones", read.Name);
        Assert.Equal(LoginOutcome.Inactive, (await grain.LoginAsync("correct horse")).Outcome);
    }

    [Fact]
    public async Task A_deleted_email_registers_again_as_a_new_user()
    {
        var email = NewEmail();
        var grain = User(email);
        var first = await grain.RegisterAsync(new NewUser(email, "correct horse", "One"));

        Assert.True((await grain.DeleteAsync()).IsSuccess);
        Assert.Null(await grain.GetAsync());
        var second = await grain.RegisterAsync(new NewUser(email, "correct horse", "Two"));

        Assert.NotEqual(first.Value!.Id, second.Value!.Id);
    }
}
