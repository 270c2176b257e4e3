using System.Net;
using System.Net.Sockets;
using CrmChatbot.Api.Configuration;
using Microsoft.AspNetCore.Connections;

namespace CrmChatbot.Silo;

/// <summary>
/// Start-up failures an operator can fix, as one line naming the setting: a port another process holds
/// (PORT, METRICS_PORT, SILO_PORT, GATEWAY_PORT) or one this user may not bind.
/// </summary>
public static class StartupFailures
{
    /// <summary>
    /// Checks before anything starts that the three ports can be bound, so a taken port is one line
    /// instead of a framework stack trace. The real bind can still lose a race to another process;
    /// <see cref="Describe"/> turns that failure into the same line.
    /// </summary>
    public static string? CheckPorts(CrmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Port == 0 && !IPAddress.TryParse(settings.Host, out _))
        {
            // Kestrel binds "localhost" to two addresses and cannot give both the same dynamic port.
            return $"PORT 0 (any free port) needs HOST to be an IP address such as 127.0.0.1, not '{settings.Host}'";
        }

        foreach (var (name, address, port) in Endpoints(settings))
        {
            if (port != 0 && BindProblem(address, port) is { } problem)
            {
                return Line(name, port, address, problem);
            }
        }

        return null;
    }

    /// <summary>The one line for a start-up exception caused by a port, or null for anything else.</summary>
    public static string? Describe(Exception exception, CrmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(settings);
        var chain = Flatten(exception).ToList();
        var problem = chain.OfType<SocketException>().FirstOrDefault(IsPortProblem)?.SocketErrorCode
                      ?? (chain.Any(e => e is AddressInUseException) ? SocketError.AddressAlreadyInUse : (SocketError?)null);
        if (problem is null)
        {
            return null;
        }

        // Kestrel says "Failed to bind to address http://host:port"; Orleans' listeners do not name their
        // port, so the one that cannot be bound now (this process has let go of its own) is the culprit.
        var endpoints = Endpoints(settings).ToList();
        var http = endpoints.Where(e => e.Name is "PORT" or "METRICS_PORT").ToList();
        if (chain.FirstOrDefault(e => e is IOException && e.Message.Contains("Failed to bind to address", StringComparison.Ordinal)) is { } kestrel)
        {
            var (name, address, port) = http.FirstOrDefault(e => kestrel.Message.Contains($":{e.Port}:", StringComparison.Ordinal), http[0]);
            return Line(name, port, address, problem.Value);
        }

        foreach (var (name, address, port) in endpoints.Except(http))
        {
            if (BindProblem(address, port) is { } now)
            {
                return Line(name, port, address, now);
            }
        }

        return $"SILO_PORT {settings.SiloPort} or GATEWAY_PORT {settings.GatewayPort} could not be bound ({Reason(problem.Value)}): set them to free ports";
    }

    private static IEnumerable<(string Name, IPAddress Address, int Port)> Endpoints(CrmSettings settings)
    {
        yield return ("PORT", HttpAddress(settings.Host), settings.Port);
        if (settings.Telemetry.MetricsPort is { } metricsPort)
        {
            yield return ("METRICS_PORT", HttpAddress(settings.Host), metricsPort);
        }

        // Mongo clustering listens on every interface; a single silo on loopback (see SiloHost).
        var orleans = settings.Clustering == ClusteringMode.Mongo ? IPAddress.Any : IPAddress.Loopback;
        yield return ("SILO_PORT", orleans, settings.SiloPort);
        yield return ("GATEWAY_PORT", orleans, settings.GatewayPort);
    }

    private static IPAddress HttpAddress(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) ? address
        : IPAddress.Any; // Kestrel binds a host name it cannot parse to every interface.

    private static SocketError? BindProblem(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, port));
            return null;
        }
        catch (SocketException e) when (IsPortProblem(e))
        {
            return e.SocketErrorCode;
        }
    }

    private static bool IsPortProblem(SocketException e) =>
        e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied;

    private static string Line(string name, int port, IPAddress address, SocketError problem) =>
        $"{name} {port} cannot be used on {address}: {Reason(problem)}; set {name} to a free port";

    private static string Reason(SocketError problem) => problem == SocketError.AccessDenied
        ? "permission denied (ports below 1024 need privileges)"
        : "another process is already listening there";

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        var pending = new Stack<Exception>();
        pending.Push(exception);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
