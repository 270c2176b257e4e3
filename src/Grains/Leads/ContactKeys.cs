using System.Text;

namespace CrmChatbot.Leads;

/// <summary>
/// Normalized contacts as claim keys: emails trimmed and lower-cased, phones reduced to their
/// digits with a leading + kept (<c>+1 (555) 010-0000</c> and <c>+15550100000</c> are one key).
/// </summary>
public static class ContactKeys
{
    public const string EmailPrefix = "email:";
    public const string PhonePrefix = "phone:";

    public static string? Email(string? email)
    {
        var normalized = email?.Trim().ToLowerInvariant();
        return string.IsNullOrEmpty(normalized) ? null : EmailPrefix + normalized;
    }

    public static string? Phone(string? phone)
    {
        var trimmed = phone?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        var digits = new StringBuilder(trimmed.Length);
        if (trimmed[0] == '+')
        {
            digits.Append('+');
        }

        foreach (var c in trimmed.Where(char.IsAsciiDigit))
        {
            digits.Append(c);
        }

        return digits.Length == 0 || digits.ToString() == "+" ? null : PhonePrefix + digits;
    }

    /// <summary>The field a claim key belongs to (email or phone), for error messages.</summary>
    public static string FieldOf(string key) => key.StartsWith(EmailPrefix, StringComparison.Ordinal) ? "email" : "phone";
}
