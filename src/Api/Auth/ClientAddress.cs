using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace CrmChatbot.Api.Auth;

/// <summary>
/// The client address that login limits are counted by: <c>HttpContext.Connection.RemoteIpAddress</c>
/// (behind a trusted proxy the forwarded-headers middleware has already set it to the real client).
/// IPv6 clients are counted per /64, the block one subscriber usually gets, so rotating addresses
/// inside it does not reset the count.
/// </summary>
public static class ClientAddress
{
    public const string Unknown = "unknown";

    public static string Of(HttpContext context) => Of(context.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
