using System.Text.RegularExpressions;

namespace CrmChatbot.Common;

/// <summary>
/// Collects field errors for one command, keyed by the snake_case field name the client sent,
/// so a 422 response can say exactly which field is wrong.
/// </summary>
public sealed partial class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public bool Has(string field) => _errors.ContainsKey(field);

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>
    /// Trims a required text field; records an error when it is missing, blank, too long, or holds a
    /// character <see cref="TextRules"/> refuses (<paramref name="multiLine"/> allows line breaks and tabs).
    /// </summary>
    public string Required(string field, string? value, int maxLength, bool multiLine = false)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            Add(field, "is required and must not be blank");
            return "";
        }

        CheckText(field, trimmed, maxLength, multiLine);
        return trimmed;
    }

    /// <summary>Trims an optional text field; blank becomes null. The same checks as <see cref="Required"/>.</summary>
    public string? Optional(string field, string? value, int maxLength, bool multiLine = false)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        CheckText(field, trimmed, maxLength, multiLine);
        return trimmed;
    }

    /// <summary>An optional email, normalized to lower case.</summary>
    public string? Email(string field, string? value)
    {
        var email = Optional(field, value, 254)?.ToLowerInvariant();
        if (email is not null && !EmailPattern().IsMatch(email))
        {
            Add(field, "is not a valid email address");
        }

        return email;
    }

    /// <summary>An optional phone number: digits with the usual separators, 7 to 20 digits.</summary>
    public string? Phone(string field, string? value)
    {
        var phone = Optional(field, value, 40);
        if (phone is null)
        {
            return null;
        }

        var digits = phone.Count(char.IsAsciiDigit);
        if (!PhonePattern().IsMatch(phone) || digits < 7 || digits > 20)
        {
            Add(field, "is not a valid phone number (digits, spaces and + - . ( ) only, 7 to 20 digits)");
        }

        return phone;
    }

    public CommandError ToError() =>
        CommandError.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));

    private void CheckText(string field, string value, int maxLength, bool multiLine)
    {
        if (value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters");
        }

        if (TextRules.Problem(value, multiLine) is { } problem)
        {
            Add(field, problem);
        }
    }

    // Pragmatic address check: one @, no spaces, a dot in the domain (or the host itself, localhost: the first-run
    // admin of a Development start is admin@localhost). Full RFC 5322 is not the point.
    [GeneratedRegex(@"^[^@\s]+@([^@\s]+\.[^@\s]+|localhost)$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+?[0-9 ().\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();
}
