using CrmChatbot.Api.Configuration;

namespace CrmChatbot.Api.Auth;

/// <summary>
/// The admin a first run in Development creates when no ADMIN_EMAIL is set, so a newcomer can sign in at once:
/// <see cref="Email"/> with a random password, printed once and kept in <see cref="FileName"/> under DATA_DIR
/// (readable by the owner only) until that password is changed.
/// </summary>
public static class InitialAdmin
{
    public const string Email = "admin@localhost";
    public const string FileName = "initial-admin-password";

    public static string FilePath(CrmSettings settings) => Path.Combine(settings.DataDir, FileName);

    /// <summary>The password file is no longer true once the account's password changed: delete it.</summary>
    public static void PasswordChanged(CrmSettings settings, string email)
    {
        if (string.Equals(email, Email, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(FilePath(settings)); // no error when it is already gone
        }
    }
}
