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
