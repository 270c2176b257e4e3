using System.Collections.Frozen;

namespace CrmChatbot.Users;

/// <summary>
/// What a password must be (NIST SP 800-63B style: length and a block list, no composition rules):
/// 10 to 128 characters, not one of the bundled common passwords (common-passwords.txt, an
/// embedded resource), not the email and not containing the email's local part. Applied to
/// registration, user creation, password change and reset, and to ADMIN_PASSWORD at start-up.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 10;
    public const int MaxLength = 128;

    /// <summary>A shorter local part ("bob") is too likely to occur by chance to refuse on it.</summary>
    private const int MinLocalPartToCheck = 4;

    private static readonly Lazy<FrozenSet<string>> Common = new(LoadCommon);

    /// <summary>
    /// Passwords this repository's own docs and templates show as examples: refused for ADMIN_PASSWORD
    /// outside Development (in Development they are accepted, with a warning, for the quick start).
    /// </summary>
    public static readonly IReadOnlySet<string> Examples = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "change-me-now", "change-me", "changeme", "admin-password", "your-password", "<password>",
    };

    public static int CommonCount => Common.Value.Count;

    /// <summary>Why <paramref name="password"/> is refused for the account <paramref name="email"/>, or null when it is acceptable.</summary>
    public static string? Problem(string? password, string? email)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "is required";
        }

        if (password.Length < MinLength)
        {
            return $"must be at least {MinLength} characters";
        }

        if (password.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters";
        }

        if (IsCommon(password))
        {
            return "is too common: it is on the list of frequently used passwords";
        }

        if (!string.IsNullOrWhiteSpace(email))
        {
            var normalized = email.Trim();
            if (string.Equals(password.Trim(), normalized, StringComparison.OrdinalIgnoreCase))
            {
                return "must not be the email address";
            }

            var at = normalized.IndexOf('@', StringComparison.Ordinal);
            var local = at > 0 ? normalized[..at] : normalized;
            if (local.Length >= MinLocalPartToCheck && password.Contains(local, StringComparison.OrdinalIgnoreCase))
            {
                return "must not contain the email's name part";
            }
        }

        return null;
    }

    public static bool IsCommon(string password) => Common.Value.Contains(password.Trim());

    private static FrozenSet<string> LoadCommon()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("CrmChatbot.Users.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var words = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                words.Add(line);
            }
        }

        return words.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }
}
