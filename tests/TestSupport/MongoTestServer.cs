using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CrmChatbot.TestSupport;

/// <summary>
/// A MongoDB server for tests. With the environment variable <c>MONGO_URL</c> set, that server is used
/// (a real MongoDB, e.g. from docker-compose). Otherwise jongodb — an in-memory, wire-compatible server
/// shipped as an npm package — is installed once under <c>&lt;repo&gt;/.tools/jongodb</c> and started on
/// 127.0.0.1 with a free port. Never skips: when neither works, it throws with the reason.
/// <para>
/// Use <see cref="SharedAsync"/> for one process-wide instance (killed when the process exits), and
/// <see cref="NewDatabaseName"/> for isolation: jongodb cannot drop databases, so every test class
/// instance takes a fresh database.
/// </para>
/// </summary>
public sealed partial class MongoTestServer : IAsyncDisposable, IDisposable
{
    public const string UrlVariable = "MONGO_URL";
    public const string JongodbPackage = "@jongodb/memory-server-bin-linux-x64-gnu";
    public const string JongodbVersion = "0.1.6";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly Lazy<Task<MongoTestServer>> Shared = new(StartSharedAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Process? _process;
    private int _disposed;

    private MongoTestServer(string connectionString, bool isExternal, Process? process)
    {
        ConnectionString = connectionString;
        IsExternal = isExternal;
        _process = process;
    }

    /// <summary>The connection string, with <see cref="JongodbOptions"/> for jongodb.</summary>
    public string ConnectionString { get; }

    /// <summary>True when the server came from <c>MONGO_URL</c> (a real MongoDB: databases can be dropped).</summary>
    public bool IsExternal { get; }

    /// <summary>The process-wide server, started on first use and killed when the process exits.</summary>
    public static Task<MongoTestServer> SharedAsync() => Shared.Value;

    /// <summary>Starts a server owned by the caller (dispose it).</summary>
    public static async Task<MongoTestServer> StartAsync()
    {
        var url = Environment.GetEnvironmentVariable(UrlVariable);
        if (!string.IsNullOrWhiteSpace(url))
        {
            return new MongoTestServer(url.Trim(), isExternal: true, process: null);
        }

        return await StartOwnAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a jongodb owned by the caller even when MONGO_URL is set: for tests that must control
    /// the server's process (<see cref="Pause"/>, <see cref="Resume"/>).
    /// </summary>
    public static async Task<MongoTestServer> StartOwnAsync()
    {
        var binary = await EnsureJongodbAsync().ConfigureAwait(false);
        return await StartJongodbAsync(binary).ConfigureAwait(false);
    }

    /// <summary>A unique, valid database name: <c>&lt;prefix&gt;_&lt;32 hex&gt;</c> (at most 63 characters).</summary>
    public static string NewDatabaseName(string prefix = "test")
    {
        var clean = InvalidNameChars().Replace(prefix ?? "", "_");
        if (clean.Length > 30)
        {
            clean = clean[..30];
        }

        return $"{(clean.Length == 0 ? "test" : clean)}_{Guid.NewGuid():N}";
    }

    /// <summary>Appends <paramref name="option"/> (<c>name=value</c>) to a MongoDB URL unless the URL already sets that option.</summary>
    public static string WithOption(string url, string option)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(option);
        var name = option.Split('=')[0];
        if (url.Contains(name + "=", StringComparison.OrdinalIgnoreCase))
        {
            return url;
        }

        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            // mongodb://host:port  or  mongodb://host:port/db
            var afterScheme = url.IndexOf("://", StringComparison.Ordinal) + 3;
            var slash = url.IndexOf('/', afterScheme);
            return slash < 0 ? $"{url}/?{option}" : $"{url}?{option}";
        }

        return url.EndsWith('?') || url.EndsWith('&') ? url + option : $"{url}&{option}";
    }

    /// <summary>
    /// jongodb's client options. <c>serverMonitoringMode=poll</c>: without it the driver's pool keeps pausing.
    /// <c>heartbeatFrequencyMS</c> of an hour: after the handshake, every driver heartbeat is an OP_MSG
    /// <c>hello</c> carrying <c>$readPreference: primaryPreferred</c>, which jongodb's replica-set profile
    /// refuses; each refusal marks the server unknown and clears the pool (every 10 s by default), and under
    /// load the recovery outlasted server selection (the known "hello failed ... readPreference" flake).
    /// Checks the driver asks for itself (after an error) still run.
    /// </summary>
    public static string JongodbOptions(string url) =>
        WithOption(WithOption(url, "serverMonitoringMode=poll"), "heartbeatFrequencyMS=3600000");

    /// <summary>
    /// Drops a test database on a real server (<see cref="IsExternal"/>); a no-op on jongodb, which has
    /// no dropDatabase (its data lives in memory and goes with the process). Never throws.
    /// </summary>
    public async Task TryDropDatabaseAsync(string databaseName)
    {
        if (!IsExternal)
        {
            return;
        }

        try
        {
            using var client = new MongoDB.Driver.MongoClient(ConnectionString);
            await client.DropDatabaseAsync(databaseName).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MongoDB.Driver.MongoException or TimeoutException)
        {
            // Best effort: a leftover test database is harmless.
        }
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open but nothing answers, like a hung host.</summary>
    public void Pause() => SignalServer("STOP");

    /// <summary>Thaws a paused server (SIGCONT); its data is intact.</summary>
    public void Resume() => SignalServer("CONT");

    private void SignalServer(string signal)
    {
        if (_process is null)
        {
            throw new InvalidOperationException("Only a server started by the tests can be paused (MONGO_URL is set).");
        }

        // jongodb runs as the child of the shell wrapper.
        using var pkill = Process.Start("pkill", ["-" + signal, "-P", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            ?? throw new InvalidOperationException("pkill could not be started.");
        pkill.WaitForExit();
        if (pkill.ExitCode != 0)
        {
            throw new InvalidOperationException($"pkill -{signal} found no jongodb process under {_process.Id}.");
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The repository root: the nearest directory above the test binaries holding CrmChatbot.sln.</summary>
    public static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CrmChatbot.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"Cannot find CrmChatbot.sln above {AppContext.BaseDirectory}; set {UrlVariable} to a MongoDB URL instead.");
    }

    private static async Task<MongoTestServer> StartSharedAsync()
    {
        var server = await StartAsync().ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }

    private static async Task<string> EnsureJongodbAsync()
    {
        var toolDir = Path.Combine(FindRepositoryRoot(), ".tools", "jongodb");
        var binary = Path.Combine(toolDir, "node_modules", "@jongodb", "memory-server-bin-linux-x64-gnu", "bin", "jongodb");
        if (File.Exists(binary))
        {
            return binary;
        }

        Directory.CreateDirectory(toolDir);
        // Several test processes may start at once: one installs, the others wait on the lock file.
        using var installLock = await AcquireLockAsync(Path.Combine(toolDir, "install.lock"), InstallTimeout).ConfigureAwait(false);
        if (File.Exists(binary))
        {
            return binary;
        }

        var (exitCode, output) = await RunAsync(
            "npm",
            ["install", "--no-audit", "--no-fund", "--prefix", toolDir, $"{JongodbPackage}@{JongodbVersion}"],
            InstallTimeout).ConfigureAwait(false);
        if (exitCode != 0 || !File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"Could not install jongodb ({JongodbPackage}@{JongodbVersion}) into {toolDir} (npm exit code {exitCode}); " +
                $"set {UrlVariable} to a MongoDB URL instead. npm output:\n{output}");
        }

        return binary;
    }

    private static async Task<MongoTestServer> StartJongodbAsync(string binary)
    {
        // A shell wrapper stops jongodb when this process dies even without Dispose (kill -9, crash):
        // its stdin is our pipe, and `cat` returns when the pipe closes.
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("\"$0\" \"$@\" </dev/null & child=$!; cat >/dev/null; kill $child 2>/dev/null; wait $child");
        info.ArgumentList.Add(binary);
        info.ArgumentList.Add("--host=127.0.0.1");
        info.ArgumentList.Add("--port=0");
        info.ArgumentList.Add("--topology-profile=singleNodeReplicaSet");

        var uri = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StringBuilder();
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => uri.TrySetException(new InvalidOperationException($"jongodb exited before printing its URI. Output:\n{Snapshot()}"));

        try
        {
            if (!process.Start())
            {
                throw new InvalidOperationException($"Could not start {binary}.");
            }

            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var url = await uri.Task.WaitAsync(StartTimeout).ConfigureAwait(false);
            return new MongoTestServer(JongodbOptions(url), isExternal: false, process);
        }
        catch (Exception e)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
            throw new InvalidOperationException(
                $"Could not start jongodb ({binary}); set {UrlVariable} to a MongoDB URL instead. {e.Message}\nOutput:\n{Snapshot()}", e);
        }

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                if (log.Length < 16_000)
                {
                    log.AppendLine(line);
                }
            }

            const string marker = "JONGODB_URI=";
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                uri.TrySetResult(line[(at + marker.Length)..].Trim());
            }
        }

        string Snapshot()
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200).ConfigureAwait(false);
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s\n{await stdout.ConfigureAwait(false)}{await stderr.ConfigureAwait(false)}");
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex InvalidNameChars();
}
