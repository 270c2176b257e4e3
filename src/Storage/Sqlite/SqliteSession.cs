using Microsoft.Data.Sqlite;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// One open connection with its prepared commands, used by one thread at a time (the writer thread, or a
/// reader that rented it). Commands are prepared once per SQL text and reused: preparing costs more than
/// running a point read.
/// </summary>
public sealed class SqliteSession : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    internal SqliteSession(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>The prepared command for <paramref name="sql"/> with <paramref name="args"/> bound as @p0, @p1, ...</summary>
    public SqliteCommand Command(string sql, params object?[] args)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        for (var i = 0; i < args.Length; i++)
        {
            command.Parameters.AddWithValue(ParameterName(i), args[i] ?? DBNull.Value);
        }

        return command;
    }

    public static string ParameterName(int index) => index switch
    {
        0 => "@p0",
        1 => "@p1",
        2 => "@p2",
        3 => "@p3",
        _ => "@p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public int Execute(string sql, params object?[] args) => Command(sql, args).ExecuteNonQuery();

    public object? Scalar(string sql, params object?[] args)
    {
        var value = Command(sql, args).ExecuteScalar();
        return value is DBNull ? null : value;
    }

    /// <summary>Runs a statement that is not worth keeping prepared (DDL, migrations).</summary>
    public int ExecuteOnce(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>Drops the prepared commands (after a schema change, which invalidates them anyway).</summary>
    public void ForgetCommands()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }

    public void Dispose()
    {
        ForgetCommands();
        Connection.Dispose();
    }
}
