using System.Net;
using System.Net.Sockets;

namespace CrmChatbot.TestSupport;

/// <summary>
/// Ports for listeners that cannot bind port 0 themselves (Orleans' silo and gateway endpoints are
/// advertised before they are bound). A port handed out here is reserved for the life of this test process
/// by an exclusively locked file, so no other test process (each assembly runs in its own) gets it, and it
/// comes from below Linux's ephemeral range (32768+), so no outgoing connection's source port takes it.
/// What is left is a foreign process binding it after the check, which <see cref="SiloProcess"/> also
/// survives by restarting on fresh ports.
/// </summary>
public static class TestPorts
{
    private const int First = 20000;
    private const int Count = 12000;

    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "crmchatbot-test-ports");
    private static readonly List<FileStream> Held = [];
    private static readonly Lock Gate = new();
    private static int _next = Random.Shared.Next(Count);

    /// <summary>A port no other test process holds and nothing listens on now.</summary>
    public static int Reserve()
    {
        Directory.CreateDirectory(Folder);
        lock (Gate)
        {
            for (var attempt = 0; attempt < Count; attempt++)
            {
                var port = First + (_next++ % Count);
                FileStream? claim = null;
                try
                {
                    // FileShare.None takes an OS lock that ends with this process, even on kill -9.
                    claim = new FileStream(Path.Combine(Folder, port + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException)
                {
                    continue; // another test process has it
                }

                if (Bindable(port))
                {
                    Held.Add(claim);
                    return port;
                }

                claim.Dispose();
            }
        }

        throw new InvalidOperationException($"No free port in {First}-{First + Count - 1}.");
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
