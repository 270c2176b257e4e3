using CrmChatbot.Users;

namespace CrmChatbot.Grains.Tests;

public class UserRulesTests
{
    [Fact]
    public void A_valid_account_normalizes_the_email()
    {
        var result = UserRules.ValidateNew(new NewUser(" Bob@Example.COM ", "long enough", "Bob"), "bob@example.com");

        Assert.True(result.IsSuccess);
        Assert.Equal("bob@example.com", result.Value);
    }

    [Theory]
    [InlineData("bob@example.com", "short", "Bob", "password")]
    [InlineData("bob@example.com", null, "Bob", "password")]
    [InlineData("bob@example.com", "long enough", " ", "name")]
    [InlineData("not an email", "long enough", "Bob", "email")]
    [InlineData(null, "long enough", "Bob", "email")]
    public void Invalid_accounts_name_the_field(string? email, string? password, string? name, string field)
    {
        var key = email is null ? "x" : EmailKey.Normalize(email);

        var result = UserRules.ValidateNew(new NewUser(email, password, name), key);

        Assert.False(result.IsSuccess);
        Assert.Equal([field], result.Error!.Fields!.Keys);
    }

    [Fact]
    public void The_email_must_match_the_grain_key()
    {
        var result = UserRules.ValidateNew(new NewUser("bob@example.com", "long enough", "Bob"), "alice@example.com");

        Assert.Equal(["email"], result.Error!.Fields!.Keys);
    }

    [Fact]
    public void Passwords_are_never_printed()
    {
        var text = new NewUser("bob@example.com", "s3cret-password", "Bob").ToString();

        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
    }
}

public class PasswordPolicyTests
{
    [Theory]
    [InlineData("short-9ch", "must be at least 10 characters")]
    [InlineData("1234567890", "too common")]
    [InlineData("Password123", "too common")]
    [InlineData("QWERTYUIOP", "too common")]
    [InlineData("password2026", "too common")]
    [InlineData("Bob.Smith@Example.com", "must not be the email address")]
    [InlineData("bob.smith-rocks", "must not contain the email's name part")]
    public void Weak_passwords_are_refused_with_the_reason(string password, string reason)
    {
        Assert.Contains(reason, PasswordPolicy.Problem(password, "bob.smith@example.com"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("correct horse battery")]
    [InlineData("sturdy-passphrase-42")]
    [InlineData("bob-likes-long-walks")] // "bob" is too short a local part to refuse on
    public void Strong_passwords_pass(string password)
    {
        Assert.Null(PasswordPolicy.Problem(password, "bob@example.com"));
    }

    [Fact]
    public void The_bundled_list_is_loaded_from_the_assembly()
    {
        Assert.True(PasswordPolicy.CommonCount > 1000);
    }
}

public class PasswordHasherTests
{
    /// <summary>Blocks every Verify until released, and tells when one has started.</summary>
    private sealed class GatedAlgorithm : IPasswordHashAlgorithm
    {
        public SemaphoreSlim Entered { get; } = new(0);

        public ManualResetEventSlim Gate { get; } = new(false);

        public string Hash(string password, int workFactor) => "hash:" + password;

        public bool Verify(string password, string hash)
        {
            Entered.Release();
            Gate.Wait(TimeSpan.FromMinutes(1));
            return hash == "hash:" + password;
        }
    }

    [Fact]
    public async Task When_every_slot_and_queue_place_is_taken_a_hash_is_refused_at_once()
    {
        var algorithm = new GatedAlgorithm();
        using var hasher = new PasswordHasher(
            Microsoft.Extensions.Options.Options.Create(new PasswordHashingOptions { Concurrency = 1, QueueLength = 1 }), algorithm);

        var running = hasher.VerifyAsync("a", "hash:a");
        await algorithm.Entered.WaitAsync();
        var queued = hasher.VerifyAsync("b", "hash:b");
        var refused = await hasher.VerifyAsync("c", "hash:c");
        var refusedHash = await hasher.HashAsync("d", 11);

        Assert.Null(refused);
        Assert.Null(refusedHash);
        Assert.False(queued.IsCompleted);
        algorithm.Gate.Set();
        Assert.True(await running);
        Assert.True(await queued);
        Assert.Equal("hash:e", await hasher.HashAsync("e", 11)); // free again
    }
}

public class LoginThrottlesTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Failures_count_per_address_and_more_slowly_for_the_whole_account()
    {
        var throttles = new LoginThrottles(new LoginThrottleOptions
        {
            MaxFailures = 2, Window = TimeSpan.FromMinutes(10), AccountMaxFailures = 5, AccountWindow = TimeSpan.FromMinutes(60),
        });

        throttles.RecordFailure("10.0.0.1", Start);
        throttles.RecordFailure("10.0.0.1", Start);
        Assert.True(throttles.RetryAfterSeconds("10.0.0.1", Start) > 0);
        Assert.Equal(0, throttles.RetryAfterSeconds("10.0.0.2", Start));

        throttles.RecordFailure("10.0.0.2", Start);
        throttles.RecordFailure("10.0.0.3", Start);
        throttles.RecordFailure("10.0.0.4", Start);
        // Five failures from four addresses: the account-wide limit holds every address back.
        Assert.Equal(60 * 60, throttles.RetryAfterSeconds("10.0.0.9", Start));

        throttles.Reset();
        Assert.Equal(0, throttles.RetryAfterSeconds("10.0.0.1", Start));
    }
}

public class LoginThrottleTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Allows_attempts_until_the_limit_then_refuses_until_the_window_passes()
    {
        var throttle = new LoginThrottle(new LoginThrottleOptions { MaxFailures = 3, Window = TimeSpan.FromMinutes(10) });

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, throttle.RetryAfterSeconds(Start.AddMinutes(i)));
            throttle.RecordFailure(Start.AddMinutes(i));
        }

        // The oldest failure (at Start) leaves the window at Start + 10 min.
        Assert.Equal(7 * 60, throttle.RetryAfterSeconds(Start.AddMinutes(3)));
        Assert.Equal(1, throttle.RetryAfterSeconds(Start.AddMinutes(10).AddMilliseconds(-500)));
        Assert.Equal(0, throttle.RetryAfterSeconds(Start.AddMinutes(10)));
    }

    [Fact]
    public void A_success_resets_the_count()
    {
        var throttle = new LoginThrottle(new LoginThrottleOptions { MaxFailures = 2, Window = TimeSpan.FromMinutes(10) });
        throttle.RecordFailure(Start);
        throttle.Reset();
        throttle.RecordFailure(Start.AddSeconds(1));

        Assert.Equal(0, throttle.RetryAfterSeconds(Start.AddSeconds(2)));
        Assert.False(throttle.IsEmpty);
    }
}
