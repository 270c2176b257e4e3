using System.Text;

namespace CrmChatbot.Storage;

/// <summary>
/// Converts .NET member names to the snake_case names stored in documents
/// (<c>OwnerId</c> -> <c>owner_id</c>, <c>IsActive</c> -> <c>is_active</c>, <c>HTTPStatus</c> -> <c>http_status</c>).
/// Shared by every store so that field names are identical in SQLite and MongoDB.
/// </summary>
public static class SnakeCase
{
    public static string Convert(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previous = i > 0 ? name[i - 1] : '\0';
                var next = i + 1 < name.Length ? name[i + 1] : '\0';
                var startsWord = i > 0 && previous != '_' &&
                    (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && char.IsLower(next)));
                if (startsWord)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
