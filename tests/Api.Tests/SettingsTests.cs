using CrmChatbot.Api.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace CrmChatbot.Api.Tests;

public class SettingsTests
{
    private const string GoodKey = "a-signing-key-of-at-least-thirty-two-bytes";

    private static CrmSettings Load(string environment, params (string Key, string Value)[] values)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
        return CrmSettings.Load(config, new Env(environment));
    }

    [Fact]
    public void Defaults_match_the_documented_ones()
    {
        var settings = Load("Production", ("JWT_SECRET_KEY", GoodKey));

        Assert.Equal("localhost", settings.Host);
        Assert.Equal(8000, settings.Port);
        Assert.Equal(Path.GetFullPath("data"), settings.DataDir);
        Assert.Equal("crm_db", settings.DbName);
        Assert.Equal(30, settings.AccessTokenExpireMinutes);
        Assert.Empty(settings.CorsOrigins); // no cross-origin access unless CORS_ORIGINS says so
        Assert.Empty(settings.KnownProxies); // forwarded headers ignored
        Assert.True(settings.DocsEnabled);
        Assert.Null(settings.MongoUrl);
        Assert.False(settings.JwtKeyGenerated);
        Assert.Null(settings.GrainCollectionAgeSeconds);
    }

    [Theory]
    [InlineData("PORT", "eighty")]
    [InlineData("PORT", "70000")]
    [InlineData("ACCESS_TOKEN_EXPIRE_MINUTES", "0")]
    [InlineData("ACCESS_TOKEN_EXPIRE_MINUTES", "-5")]
    [InlineData("MONGO_URL", "http://localhost:27017")]
    [InlineData("DB_NAME", "bad name!")]
    [InlineData("CORS_ORIGINS", "not a url")]
    [InlineData("ADMIN_EMAIL", "admin-without-password@example.com")]
    [InlineData("SILO_PORT", "x")]
    [InlineData("GRAIN_COLLECTION_AGE_SECONDS", "9")]
    [InlineData("GRAIN_COLLECTION_AGE_SECONDS", "ten")]
    [InlineData("KNOWN_PROXIES", "nginx")]
    [InlineData("KNOWN_PROXIES", "5")]
    [InlineData("KNOWN_PROXIES", "10.0.0.1/8")]
    [InlineData("KNOWN_PROXIES", "10.0.0.0/33")]
    [InlineData("KNOWN_PROXIES", "172.28.0.5, 300.1.1.1")]
    [InlineData("DOCS_ENABLED", "maybe")]
    [InlineData("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "sometimes")]
    [InlineData("WEBHOOK_TIMEOUT_SECONDS", "0")]
    [InlineData("WEBHOOK_RETRY_BASE_MS", "fast")]
    [InlineData("WEBHOOK_RETRY_WINDOW_MINUTES", "-1")]
    [InlineData("WEBHOOK_SECRET_OVERLAP_HOURS", "721")]
    public void A_bad_value_stops_start_up_naming_the_variable(string name, string value)
    {
        var ex = Assert.Throws<SettingsException>(() => Load("Production", ("JWT_SECRET_KEY", GoodKey), (name, value)));

        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Webhook_settings_default_to_a_day_of_retries_and_public_receivers_only()
    {
        var defaults = Load("Production", ("JWT_SECRET_KEY", GoodKey)).Webhooks;
        var set = Load("Production", ("JWT_SECRET_KEY", GoodKey), ("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true"), ("WEBHOOK_RETRY_BASE_MS", "20"),
            ("WEBHOOK_RETRY_WINDOW_MINUTES", "0"), ("WEBHOOK_TIMEOUT_SECONDS", "3"), ("WEBHOOK_SECRET_OVERLAP_HOURS", "1")).Webhooks;

        Assert.Equal(new WebhookSettings(), defaults);
        Assert.False(defaults.AllowPrivateNetworks);
        Assert.Equal(24 * 60, defaults.RetryWindowMinutes);
        Assert.Equal(new WebhookSettings
        {
            AllowPrivateNetworks = true, RetryBaseMilliseconds = 20, RetryWindowMinutes = 0, TimeoutSeconds = 3, SecretOverlapHours = 1,
        }, set);
    }

    [Fact]
    public void Known_proxies_take_addresses_and_cidr_ranges()
    {
        var settings = Load("Production", ("JWT_SECRET_KEY", GoodKey), ("KNOWN_PROXIES", "172.28.0.5, 10.0.0.0/8 ,fd00::/8,::1"));

        Assert.Equal(
            ["172.28.0.5/32", "10.0.0.0/8", "fd00::/8", "::1/128"],
            settings.KnownProxies.Select(n => n.ToString()));
    }

    [Theory]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("true", true)]
    public void Docs_can_be_switched_off(string value, bool enabled) =>
        Assert.Equal(enabled, Load("Production", ("JWT_SECRET_KEY", GoodKey), ("DOCS_ENABLED", value)).DocsEnabled);

    [Fact]
    public void A_star_origin_is_taken_only_when_given() =>
        Assert.Equal(["*"], Load("Production", ("JWT_SECRET_KEY", GoodKey), ("CORS_ORIGINS", "*")).CorsOrigins);

    [Theory]
    [InlineData(null)]
    [InlineData("too-short-key")]
    public void Outside_development_a_missing_or_short_jwt_key_refuses_to_start(string? key)
    {
        var values = key is null ? Array.Empty<(string, string)>() : [("JWT_SECRET_KEY", key)];

        var ex = Assert.Throws<SettingsException>(() => Load("Production", values));

        Assert.Contains("JWT_SECRET_KEY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_development_a_missing_key_is_generated()
    {
        var a = Load("Development");
        var b = Load("Development");

        Assert.True(a.JwtKeyGenerated);
        Assert.True(a.JwtSecretKey.Length >= 32);
        Assert.NotEqual(a.JwtSecretKey, b.JwtSecretKey);
    }

    [Theory]
    [InlineData("Production", "change-me-now", "example password")]
    [InlineData("Staging", "change-me-now", "example password")]
    [InlineData("Production", "12345678", "at least 10 characters")]
    [InlineData("Production", "password123", "too common")]
    [InlineData("Development", "qwertyuiop", "too common")]
    [InlineData("Production", "root-of-all-evil", "name part")]
    public void A_weak_or_example_admin_password_stops_start_up(string environment, string password, string reason)
    {
        var ex = Assert.Throws<SettingsException>(() => Load(environment, ("JWT_SECRET_KEY", GoodKey),
            ("ADMIN_EMAIL", "root@example.com"), ("ADMIN_PASSWORD", password)));

        Assert.StartsWith("ADMIN_PASSWORD", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void In_development_the_example_admin_password_is_accepted_and_flagged()
    {
        var settings = Load("Development", ("ADMIN_EMAIL", "admin@example.com"), ("ADMIN_PASSWORD", "change-me-now"));

        Assert.True(settings.AdminPasswordIsExample);
    }

    [Fact]
    public void Login_limits_and_the_hashing_queue_are_settings()
    {
        var settings = Load("Production", ("JWT_SECRET_KEY", GoodKey), ("LOGIN_RATE_PER_MINUTE", "7"), ("REGISTER_RATE_PER_HOUR", "3"),
            ("LOGIN_ACCOUNT_MAX_FAILURES", "40"), ("LOGIN_ACCOUNT_WINDOW_MINUTES", "30"), ("PASSWORD_HASH_CONCURRENCY", "2"), ("PASSWORD_HASH_QUEUE", "0"));
        var defaults = Load("Production", ("JWT_SECRET_KEY", GoodKey));

        Assert.Equal((7, 3, 40, 30, 2, 0), (settings.LoginRatePerMinute, settings.RegisterRatePerHour, settings.LoginAccountMaxFailures,
            settings.LoginAccountWindowMinutes, settings.PasswordHashConcurrency, settings.PasswordHashQueue));
        Assert.Equal((20, 20, 50, 60, 0, 8), (defaults.LoginRatePerMinute, defaults.RegisterRatePerHour, defaults.LoginAccountMaxFailures,
            defaults.LoginAccountWindowMinutes, defaults.PasswordHashConcurrency, defaults.PasswordHashQueue));
        Assert.Throws<SettingsException>(() => Load("Production", ("JWT_SECRET_KEY", GoodKey), ("LOGIN_RATE_PER_MINUTE", "0")));
        Assert.Throws<SettingsException>(() => Load("Production", ("JWT_SECRET_KEY", GoodKey), ("PASSWORD_HASH_QUEUE", "-1")));
    }

    [Fact]
    public void In_development_a_short_key_is_still_refused()
    {
        Assert.Throws<SettingsException>(() => Load("Development", ("JWT_SECRET_KEY", "short")));
    }

    [Fact]
    public void Values_are_parsed()
    {
        var settings = Load("Production",
            ("JWT_SECRET_KEY", GoodKey), ("PORT", "9001"), ("HOST", "0.0.0.0"), ("CORS_ORIGINS", "https://a.example.com, http://localhost:3000"),
            ("ADMIN_EMAIL", "root@example.com"), ("ADMIN_PASSWORD", "long-enough"), ("ACCESS_TOKEN_EXPIRE_MINUTES", "120"),
            ("MONGO_URL", "mongodb://127.0.0.1:27017"), ("DB_NAME", "crm_test"), ("GRAIN_COLLECTION_AGE_SECONDS", "30"));

        Assert.Equal(9001, settings.Port);
        Assert.Equal("0.0.0.0", settings.Host);
        Assert.Equal(["https://a.example.com", "http://localhost:3000"], settings.CorsOrigins);
        Assert.Equal("root@example.com", settings.AdminEmail);
        Assert.Equal(120, settings.AccessTokenExpireMinutes);
        Assert.Equal("mongodb://127.0.0.1:27017", settings.MongoUrl);
        Assert.Equal("crm_test", settings.DbName);
        Assert.Equal(30, settings.GrainCollectionAgeSeconds);
    }

    private sealed class Env(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = Directory.GetCurrentDirectory();
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
