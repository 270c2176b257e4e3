using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace CrmChatbot.Api.Configuration;

/// <summary>A configuration value that stops start-up; the message names the variable.</summary>
public sealed class SettingsException(string message) : Exception(message);

/// <summary>
/// Every setting the service reads, from environment variables (a <c>.env</c> file fills in the
/// ones not set). Parsed once at start-up; any bad value stops the process with one clear line.
/// </summary>
public sealed partial record CrmSettings
{
    public const string Issuer = "crm-chatbot";
    public const string Audience = "crm-chatbot-api";
    public const int MinJwtKeyBytes = 32;

    public string? MongoUrl { get; init; }
    public string DbName { get; init; } = "crm_db";
    public required byte[] JwtSecretKey { get; init; }
    public bool JwtKeyGenerated { get; init; }
    public int AccessTokenExpireMinutes { get; init; } = 30;
    /// <summary>Browser origins allowed cross-origin (CORS_ORIGINS); empty (the default) = none, "*" = any.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    /// <summary>
    /// Reverse proxies trusted for X-Forwarded-For/-Proto (KNOWN_PROXIES, IPs or CIDR ranges); empty (the default) =
    /// those headers are ignored and the TCP peer is the client.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> KnownProxies { get; init; } = [];

    /// <summary>Whether /docs and /openapi/v1.json are served (DOCS_ENABLED, default true: the contract is public, the API is protected by auth).</summary>
    public bool DocsEnabled { get; init; } = true;
    public string Host { get; init; } = "localhost";
    public int Port { get; init; } = 8000;
    public string DataDir { get; init; } = "data";

    /// <summary>SQLITE_SYNCHRONOUS=normal: commits of the embedded store are fsynced at checkpoints only (a power loss may lose the last ones).</summary>
    public bool SqliteSynchronousNormal { get; init; }
    public string? AdminEmail { get; init; }
    public string? AdminPassword { get; init; }
    public string AdminName { get; init; } = "Administrator";
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;
    public int LoginMaxFailures { get; init; } = 5;
    public int LoginWindowMinutes { get; init; } = 15;

    /// <summary>Failed logins for one account from all addresses within LOGIN_ACCOUNT_WINDOW_MINUTES before every attempt gets 429.</summary>
    public int LoginAccountMaxFailures { get; init; } = 50;
    public int LoginAccountWindowMinutes { get; init; } = 60;

    /// <summary>Login (and password change) attempts per client address per minute (LOGIN_RATE_PER_MINUTE).</summary>
    public int LoginRatePerMinute { get; init; } = 20;

    /// <summary>Registrations per client address per hour (REGISTER_RATE_PER_HOUR).</summary>
    public int RegisterRatePerHour { get; init; } = 20;

    /// <summary>Password hashes computed at once per silo (PASSWORD_HASH_CONCURRENCY); 0 = half the cores, at least 1.</summary>
    public int PasswordHashConcurrency { get; init; }

    /// <summary>Password hashes that may wait for a slot before further ones get 503 (PASSWORD_HASH_QUEUE).</summary>
    public int PasswordHashQueue { get; init; } = 8;

    /// <summary>True when ADMIN_PASSWORD is one of the repository's example passwords (accepted in Development only).</summary>
    public bool AdminPasswordIsExample { get; init; }

    /// <summary>Connect, server-selection and socket timeout of MongoDB operations.</summary>
    public int MongoTimeoutSeconds { get; init; } = 5;

    /// <summary>How long start-up keeps retrying an unreachable MongoDB before giving up.</summary>
    public int MongoStartupTimeoutSeconds { get; init; } = 30;

    /// <summary>SLA targets per ticket priority (SLA_FIRST_RESPONSE_HOURS, SLA_RESOLUTION_HOURS).</summary>
    public CrmChatbot.Tickets.TicketSlaOptions TicketSla { get; init; } = new();

    /// <summary>Per-client ticket quotas (TICKET_CLIENT_MAX_OPEN, TICKET_CLIENT_COMMENTS_PER_HOUR, TICKET_CLIENT_STATUS_CHANGES_PER_DAY).</summary>
    public CrmChatbot.Tickets.TicketQuotaOptions TicketQuotas { get; init; } = new();

    /// <summary>Webhook delivery (WEBHOOK_* variables).</summary>
    public WebhookSettings Webhooks { get; init; } = new();

    /// <summary>How many minutes before its start a meeting's reminder fires.</summary>
    public int MeetingReminderMinutes { get; init; } = 15;

    /// <summary>Minutes without messages after which a chat session closes by itself (CHAT_IDLE_MINUTES).</summary>
    public int ChatIdleMinutes { get; init; } = 60;

    /// <summary>The chat assistant's FAQ file (CHAT_FAQ_PATH); null = the shipped sample.</summary>
    public string? ChatFaqPath { get; init; }

    /// <summary>Staff user organizing meetings the chat assistant books (CHAT_BOT_OWNER_USER_ID); null = first active admin.</summary>
    public string? ChatBotOwnerUserId { get; init; }

    /// <summary>Chat sessions one client address may start per hour (CHAT_SESSIONS_PER_HOUR_PER_ADDRESS); more get 429.</summary>
    public int ChatSessionsPerHourPerAddress { get; init; } = 20;

    /// <summary>Messages the owner may send per minute in one chat session (CHAT_MESSAGES_PER_MINUTE); more get 429.</summary>
    public int ChatMessagesPerMinute { get; init; } = 20;

    /// <summary>Leads one anonymous chat session may create (CHAT_ANON_MAX_LEADS).</summary>
    public int ChatAnonMaxLeads { get; init; } = 1;

    /// <summary>Meetings one anonymous chat session may book (CHAT_ANON_MAX_MEETINGS).</summary>
    public int ChatAnonMaxMeetings { get; init; } = 1;

    /// <summary>Largest CSV file a lead import accepts, in MiB (IMPORT_MAX_MB); a larger upload is 413.</summary>
    public int ImportMaxMegabytes { get; init; } = 50;
    /// <summary>The chat engine's sentence-embedding layer (CHAT_EMBEDDINGS on|off, default on); off = the rules alone.</summary>
    public bool ChatEmbeddings { get; init; } = true;

    /// <summary>The chat assistant's optional language model (CHAT_LLM_*); null = off. Holds the API key: never log it.</summary>
    public CrmChatbot.Chat.Llm.LlmSettings? ChatLlm { get; init; }

    /// <summary>How silos find each other (CLUSTERING): one-process development clustering, or the MongoDB membership table.</summary>
    public ClusteringMode Clustering { get; init; } = ClusteringMode.Localhost;

    /// <summary>The Orleans cluster id (CLUSTER_ID): silos with the same id form one cluster.</summary>
    public string ClusterId { get; init; } = "crm";

    /// <summary>The Orleans service id (SERVICE_ID): stays the same across deployments of the service.</summary>
    public string ServiceId { get; init; } = "crm-chatbot";

    /// <summary>The address other silos and clients use to reach this one (ADVERTISED_IP); null = loopback.</summary>
    public System.Net.IPAddress? AdvertisedIp { get; init; }

    /// <summary>Orleans membership probe timeout (MEMBERSHIP_PROBE_TIMEOUT_SECONDS); null = the Orleans default (5 s). Lower = faster failure detection.</summary>
    public int? MembershipProbeTimeoutSeconds { get; init; }

    /// <summary>How often the first active silo removes long-dead rows from the membership table (MEMBERSHIP_CLEANUP_PERIOD_MINUTES).</summary>
    public int MembershipCleanupPeriodMinutes { get; init; } = 60;

    /// <summary>How long a dead silo's row stays in the membership table (MEMBERSHIP_DEFUNCT_SILO_HOURS).</summary>
    public int MembershipDefunctSiloHours { get; init; } = 24;

    /// <summary>Seconds between SIGTERM and closing the listener, with readiness already false (SHUTDOWN_DRAIN_SECONDS).</summary>
    public int ShutdownDrainSeconds { get; init; }

    /// <summary>How long a graceful stop may take (drain, in-flight requests, leaving the cluster) before it is forced (SHUTDOWN_TIMEOUT_SECONDS).</summary>
    public int ShutdownTimeoutSeconds { get; init; } = 30;

    /// <summary>Traces, metrics and log format (OTEL_EXPORTER_OTLP_ENDPOINT, METRICS_PORT, LOG_FORMAT).</summary>
    public TelemetrySettings Telemetry { get; init; } = new();

    /// <summary>Whether the admin-only Orleans dashboard runs at /dashboard (DASHBOARD_ENABLED, default true).</summary>
    public bool DashboardEnabled { get; init; } = true;
    /// <summary>Idle time after which a grain is deactivated (GRAIN_COLLECTION_AGE_SECONDS); null = the Orleans default (15 min).</summary>
    public int? GrainCollectionAgeSeconds { get; init; }

    /// <summary>Secrets (signing key, admin password, model API key) never reach a log through ToString.</summary>
    public override string ToString() =>
        $"CrmSettings {{ Host = {Host}, Port = {Port}, Store = {(MongoUrl is null ? "SQLite " + DataDir : "MongoDB " + DbName)}, Clustering = {Clustering} }}";

    /// <param name="requireSigningKey">False for tools (such as check-db) that issue no tokens.</param>
    public static CrmSettings Load(IConfiguration config, IHostEnvironment environment, bool requireSigningKey = true)
    {
        var mongoUrl = Optional(config, "MONGO_URL");
        if (mongoUrl is not null &&
            !mongoUrl.StartsWith("mongodb://", StringComparison.Ordinal) &&
            !mongoUrl.StartsWith("mongodb+srv://", StringComparison.Ordinal))
        {
            throw new SettingsException("MONGO_URL must start with mongodb:// or mongodb+srv://");
        }

        var dbName = Optional(config, "DB_NAME") ?? "crm_db";
        if (!DbNamePattern().IsMatch(dbName))
        {
            throw new SettingsException($"DB_NAME '{dbName}' is invalid: use 1-63 letters, digits, '_' or '-'");
        }

        var (key, generated) = JwtKey(config, environment, requireSigningKey);
        var adminEmail = Optional(config, "ADMIN_EMAIL");
        var adminPassword = Optional(config, "ADMIN_PASSWORD");
        if ((adminEmail is null) != (adminPassword is null))
        {
            throw new SettingsException("ADMIN_EMAIL and ADMIN_PASSWORD must be set together (or neither)");
        }

        if (adminEmail is not null && !adminEmail.Contains('@', StringComparison.Ordinal))
        {
            throw new SettingsException($"ADMIN_EMAIL '{adminEmail}' is not an email address");
        }

        var adminPasswordIsExample = adminPassword is not null && CrmChatbot.Users.PasswordPolicy.Examples.Contains(adminPassword);
        if (adminPassword is not null)
        {
            CheckAdminPassword(adminPassword, adminEmail!, adminPasswordIsExample, environment);
        }

        var dataDir = Optional(config, "DATA_DIR") ?? "data";
        var synchronous = (Optional(config, "SQLITE_SYNCHRONOUS") ?? "full").ToLowerInvariant() switch
        {
            "full" => false,
            "normal" => true,
            var other => throw new SettingsException($"SQLITE_SYNCHRONOUS '{other}' is invalid: expected full or normal"),
        };
        var chatFaqPath = Optional(config, "CHAT_FAQ_PATH");
        if (chatFaqPath is not null && !File.Exists(chatFaqPath))
        {
            throw new SettingsException($"CHAT_FAQ_PATH '{chatFaqPath}' does not exist");
        }

        CrmChatbot.Chat.Llm.LlmSettings? chatLlm;
        try
        {
            chatLlm = CrmChatbot.Chat.Llm.LlmSettings.Parse(Optional(config, "CHAT_LLM_ENDPOINT"), Optional(config, "CHAT_LLM_API_KEY"),
                Optional(config, "CHAT_LLM_MODEL"), Optional(config, "CHAT_LLM_TIMEOUT_SECONDS"));
        }
        catch (ArgumentException ex)
        {
            throw new SettingsException(ex.Message);
        }

        // With MONGO_URL a silo is a member of the database's cluster by default (a cluster of one if alone), so
        // several silos started on one database can never run as separate clusters by omission.
        var clustering = Optional(config, "CLUSTERING")?.ToLowerInvariant() switch
        {
            null => mongoUrl is null ? ClusteringMode.Localhost : ClusteringMode.Mongo,
            "localhost" => ClusteringMode.Localhost,
            "mongo" => ClusteringMode.Mongo,
            var other => throw new SettingsException($"CLUSTERING '{other}' is invalid: expected localhost or mongo"),
        };
        if (clustering == ClusteringMode.Mongo && mongoUrl is null)
        {
            throw new SettingsException("CLUSTERING=mongo needs MONGO_URL: the membership table lives in MongoDB");
        }

        var shutdownTimeout = Int(config, "SHUTDOWN_TIMEOUT_SECONDS", 30, 5, 3600);
        var shutdownDrain = Int(config, "SHUTDOWN_DRAIN_SECONDS", 0, 0, 300);
        if (shutdownDrain >= shutdownTimeout)
        {
            throw new SettingsException(
                $"SHUTDOWN_DRAIN_SECONDS '{shutdownDrain}' is invalid: it must be less than SHUTDOWN_TIMEOUT_SECONDS ({shutdownTimeout}), which includes it");
        }

        return new CrmSettings
        {
            Telemetry = TelemetrySettings.Load(name => Optional(config, name), (name, fallback, min, max) => Int(config, name, fallback, min, max)),
            Clustering = clustering,
            ClusterId = Identifier(config, "CLUSTER_ID", "crm"),
            ServiceId = Identifier(config, "SERVICE_ID", "crm-chatbot"),
            AdvertisedIp = IpAddress(config, "ADVERTISED_IP"),
            MembershipProbeTimeoutSeconds = Optional(config, "MEMBERSHIP_PROBE_TIMEOUT_SECONDS") is null
                ? null
                : Int(config, "MEMBERSHIP_PROBE_TIMEOUT_SECONDS", 5, 1, 600),
            MembershipCleanupPeriodMinutes = Int(config, "MEMBERSHIP_CLEANUP_PERIOD_MINUTES", 60, 1, 7 * 24 * 60),
            MembershipDefunctSiloHours = Int(config, "MEMBERSHIP_DEFUNCT_SILO_HOURS", 24, 1, 365 * 24),
            ShutdownDrainSeconds = shutdownDrain,
            ShutdownTimeoutSeconds = shutdownTimeout,
            GrainCollectionAgeSeconds = Optional(config, "GRAIN_COLLECTION_AGE_SECONDS") is null
                ? null
                : Int(config, "GRAIN_COLLECTION_AGE_SECONDS", 900, 10, 7 * 24 * 3600),
            MongoUrl = mongoUrl,
            DbName = dbName,
            JwtSecretKey = key,
            JwtKeyGenerated = generated,
            AccessTokenExpireMinutes = Int(config, "ACCESS_TOKEN_EXPIRE_MINUTES", 30, 1, 60 * 24 * 30),
            CorsOrigins = Origins(Optional(config, "CORS_ORIGINS") ?? ""),
            KnownProxies = Networks(config, "KNOWN_PROXIES"),
            DocsEnabled = Bool(config, "DOCS_ENABLED", true),
            Host = Optional(config, "HOST") ?? "localhost",
            Port = Int(config, "PORT", 8000, 0, 65535),
            DataDir = Path.GetFullPath(dataDir),
            SqliteSynchronousNormal = synchronous,
            AdminEmail = adminEmail,
            AdminPassword = adminPassword,
            AdminName = Optional(config, "ADMIN_NAME") ?? "Administrator",
            SiloPort = Int(config, "SILO_PORT", 11111, 1, 65535),
            GatewayPort = Int(config, "GATEWAY_PORT", 30000, 1, 65535),
            LoginMaxFailures = Int(config, "LOGIN_MAX_FAILURES", 5, 1, 1000),
            LoginWindowMinutes = Int(config, "LOGIN_WINDOW_MINUTES", 15, 1, 24 * 60),
            LoginAccountMaxFailures = Int(config, "LOGIN_ACCOUNT_MAX_FAILURES", 50, 1, 1_000_000),
            LoginAccountWindowMinutes = Int(config, "LOGIN_ACCOUNT_WINDOW_MINUTES", 60, 1, 7 * 24 * 60),
            LoginRatePerMinute = Int(config, "LOGIN_RATE_PER_MINUTE", 20, 1, 1_000_000),
            RegisterRatePerHour = Int(config, "REGISTER_RATE_PER_HOUR", 20, 1, 1_000_000),
            PasswordHashConcurrency = Int(config, "PASSWORD_HASH_CONCURRENCY", 0, 0, 1024),
            PasswordHashQueue = Int(config, "PASSWORD_HASH_QUEUE", 8, 0, 100_000),
            AdminPasswordIsExample = adminPasswordIsExample,
            MongoTimeoutSeconds = Int(config, "MONGO_TIMEOUT_SECONDS", 5, 1, 300),
            MongoStartupTimeoutSeconds = Int(config, "MONGO_STARTUP_TIMEOUT_SECONDS", 30, 0, 3600),
            TicketSla = LoadTicketSla(config),
            TicketQuotas = new CrmChatbot.Tickets.TicketQuotaOptions
            {
                MaxOpenTicketsPerClient = Int(config, "TICKET_CLIENT_MAX_OPEN", 20, 1, 10_000),
                ClientCommentsPerHour = Int(config, "TICKET_CLIENT_COMMENTS_PER_HOUR", 30, 1, 10_000),
                ClientStatusChangesPerDay = Int(config, "TICKET_CLIENT_STATUS_CHANGES_PER_DAY", 10, 1, 10_000),
            },
            Webhooks = new WebhookSettings
            {
                AllowPrivateNetworks = Bool(config, "WEBHOOK_ALLOW_PRIVATE_NETWORKS", false),
                TimeoutSeconds = Int(config, "WEBHOOK_TIMEOUT_SECONDS", 10, 1, 300),
                RetryBaseMilliseconds = Int(config, "WEBHOOK_RETRY_BASE_MS", 10_000, 1, 3_600_000),
                RetryWindowMinutes = Int(config, "WEBHOOK_RETRY_WINDOW_MINUTES", 24 * 60, 0, 30 * 24 * 60),
                SecretOverlapHours = Int(config, "WEBHOOK_SECRET_OVERLAP_HOURS", 24, 0, 30 * 24),
            },
            MeetingReminderMinutes = Int(config, "MEETING_REMINDER_MINUTES", 15, 1, 7 * 24 * 60),
            ChatIdleMinutes = Int(config, "CHAT_IDLE_MINUTES", 60, 1, 7 * 24 * 60),
            ChatFaqPath = chatFaqPath is null ? null : Path.GetFullPath(chatFaqPath),
            ChatBotOwnerUserId = Optional(config, "CHAT_BOT_OWNER_USER_ID"),
            ChatLlm = chatLlm,
            ChatSessionsPerHourPerAddress = Int(config, "CHAT_SESSIONS_PER_HOUR_PER_ADDRESS", 20, 1, 1_000_000),
            ChatMessagesPerMinute = Int(config, "CHAT_MESSAGES_PER_MINUTE", 20, 1, 100_000),
            ChatAnonMaxLeads = Int(config, "CHAT_ANON_MAX_LEADS", 1, 0, 100),
            ChatAnonMaxMeetings = Int(config, "CHAT_ANON_MAX_MEETINGS", 1, 0, 100),
            ImportMaxMegabytes = Int(config, "IMPORT_MAX_MB", 50, 1, 1024),
            ChatEmbeddings = OnOff(config, "CHAT_EMBEDDINGS", true),
            DashboardEnabled = Bool(config, "DASHBOARD_ENABLED", true),
        };
    }

    private static (byte[] Key, bool Generated) JwtKey(IConfiguration config, IHostEnvironment environment, bool required)
    {
        var secret = Optional(config, "JWT_SECRET_KEY");
        if (secret is not null && Encoding.UTF8.GetByteCount(secret) >= MinJwtKeyBytes)
        {
            return (Encoding.UTF8.GetBytes(secret), false);
        }

        if (!environment.IsDevelopment() && required)
        {
            throw new SettingsException(secret is null
                ? $"JWT_SECRET_KEY is not set: outside Development it is required (at least {MinJwtKeyBytes} bytes)"
                : $"JWT_SECRET_KEY is too short: it must be at least {MinJwtKeyBytes} bytes");
        }

        if (secret is not null)
        {
            throw new SettingsException($"JWT_SECRET_KEY is too short: it must be at least {MinJwtKeyBytes} bytes");
        }

        // Development only: a fresh key per process, so tokens do not survive a restart.
        return (System.Security.Cryptography.RandomNumberGenerator.GetBytes(64), true);
    }

    /// <summary>
    /// The first admin's password meets the password policy in every environment (the account could
    /// not be created otherwise), and outside Development it is not one of the docs' examples.
    /// </summary>
    private static void CheckAdminPassword(string password, string email, bool isExample, IHostEnvironment environment)
    {
        if (isExample && !environment.IsDevelopment())
        {
            throw new SettingsException(
                "ADMIN_PASSWORD is the example password from the docs: outside Development set a password of your own");
        }

        if (CrmChatbot.Users.PasswordPolicy.Problem(password, email) is { } problem)
        {
            throw new SettingsException($"ADMIN_PASSWORD is too weak: it {problem}");
        }
    }

    private static CrmChatbot.Tickets.TicketSlaOptions LoadTicketSla(IConfiguration config)
    {
        var sla = new CrmChatbot.Tickets.TicketSlaOptions();
        sla.FirstResponse = SlaHours(config, "SLA_FIRST_RESPONSE_HOURS", sla.FirstResponse);
        sla.Resolution = SlaHours(config, "SLA_RESOLUTION_HOURS", sla.Resolution);
        return sla;
    }

    private static Dictionary<CrmChatbot.Tickets.TicketPriority, TimeSpan> SlaHours(
        IConfiguration config, string name, Dictionary<CrmChatbot.Tickets.TicketPriority, TimeSpan> defaults)
    {
        var raw = Optional(config, name);
        try
        {
            return raw is null ? defaults : CrmChatbot.Tickets.TicketSlaOptions.Parse(raw, defaults);
        }
        catch (FormatException ex)
        {
            throw new SettingsException($"{name} '{raw}' is invalid: {ex.Message} (expected e.g. urgent:1,high:4,medium:8,low:24)");
        }
    }

    private static string? Optional(IConfiguration config, string name)
    {
        var value = config[name]?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static int Int(IConfiguration config, string name, int fallback, int min, int max)
    {
        var raw = Optional(config, name);
        if (raw is null)
        {
            return fallback;
        }

        if (!int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ||
            value < min || value > max)
        {
            throw new SettingsException($"{name} '{raw}' is invalid: expected a whole number from {min} to {max}");
        }

        return value;
    }

    private static bool Bool(IConfiguration config, string name, bool fallback)
    {
        var raw = Optional(config, name);
        return raw?.ToLowerInvariant() switch
        {
            null => fallback,
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw new SettingsException($"{name} '{raw}' is invalid: expected true or false"),
        };
    }

    private static bool OnOff(IConfiguration config, string name, bool fallback)
    {
        var raw = Optional(config, name);
        return raw?.ToLowerInvariant() switch
        {
            null => fallback,
            "on" => true,
            "off" => false,
            _ => throw new SettingsException($"{name} '{raw}' is invalid: expected on or off"),
        };
    }

    private static string Identifier(IConfiguration config, string name, string fallback)
    {
        var value = Optional(config, name) ?? fallback;
        return DbNamePattern().IsMatch(value)
            ? value
            : throw new SettingsException($"{name} '{value}' is invalid: use 1-63 letters, digits, '_' or '-'");
    }

    private static System.Net.IPAddress? IpAddress(IConfiguration config, string name)
    {
        var raw = Optional(config, name);
        if (raw is null)
        {
            return null;
        }

        // TryParse alone takes "5" as 0.0.0.5: require the dotted or colon form.
        if ((raw.Contains('.', StringComparison.Ordinal) || raw.Contains(':', StringComparison.Ordinal)) &&
            System.Net.IPAddress.TryParse(raw, out var address))
        {
            return address;
        }

        throw new SettingsException($"{name} '{raw}' is invalid: expected an IP address such as 10.0.0.5");
    }

    private static System.Net.IPNetwork[] Networks(IConfiguration config, string name)
    {
        var raw = Optional(config, name);
        if (raw is null)
        {
            return [];
        }

        return raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry =>
        {
            // As for ADVERTISED_IP: "5" alone would parse as 0.0.0.5, so the dotted or colon form is required.
            var address = entry.Split('/')[0];
            var wellFormed = address.Contains('.', StringComparison.Ordinal) || address.Contains(':', StringComparison.Ordinal);
            // "10.0.0.1/8" is refused rather than read as 10.0.0.0/8: a typo must not quietly trust a whole range.
            if (wellFormed && entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network) &&
                System.Net.IPAddress.TryParse(address, out var start) && start.Equals(network.BaseAddress))
            {
                return network;
            }

            if (wellFormed && !entry.Contains('/', StringComparison.Ordinal) && System.Net.IPAddress.TryParse(entry, out var ip))
            {
                return new System.Net.IPNetwork(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            }

            throw new SettingsException($"{name} entry '{entry}' is invalid: expected an IP address or CIDR range such as 172.28.0.5 or 10.0.0.0/8");
        }).ToArray();
    }

    private static string[] Origins(string raw)
    {
        var origins = raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var origin in origins)
        {
            if (origin != "*" &&
                (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https")))
            {
                throw new SettingsException($"CORS_ORIGINS entry '{origin}' is invalid: expected '*' or an http(s) origin such as https://app.example.com");
            }
        }

        return origins;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,63}$")]
    private static partial Regex DbNamePattern();
}

/// <summary>How the silos of the service find each other (CLUSTERING).</summary>
public enum ClusteringMode
{
    /// <summary>Orleans development clustering on this host (one silo; the default).</summary>
    Localhost,

    /// <summary>The membership table in MongoDB (MONGO_URL): several silos form one cluster.</summary>
    Mongo,
}

/// <summary>Webhook delivery settings; the silo passes them on to the delivery grains.</summary>
public sealed record WebhookSettings
{
    /// <summary>WEBHOOK_ALLOW_PRIVATE_NETWORKS: receivers on loopback, private and link-local addresses are allowed.</summary>
    public bool AllowPrivateNetworks { get; init; }

    /// <summary>WEBHOOK_TIMEOUT_SECONDS: time a receiver has to answer one delivery.</summary>
    public int TimeoutSeconds { get; init; } = 10;

    /// <summary>WEBHOOK_RETRY_BASE_MS: delay before the first retry (doubling per retry, with jitter, up to an hour).</summary>
    public int RetryBaseMilliseconds { get; init; } = 10_000;

    /// <summary>WEBHOOK_RETRY_WINDOW_MINUTES: how long an event is retried before the subscription is marked failing.</summary>
    public int RetryWindowMinutes { get; init; } = 24 * 60;

    /// <summary>WEBHOOK_SECRET_OVERLAP_HOURS: how long the previous secret still signs after a rotation.</summary>
    public int SecretOverlapHours { get; init; } = 24;
}
