using System.Net;
using System.Text.Json;
using MongoDB.Bson;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Membership;

/// <summary>
/// Layout of the ONE document per cluster in the <see cref="Collection"/> collection:
/// <code>
/// { _id: cluster id, version: Int64, etag: string,
///   silos: { "&lt;silo key&gt;": { address, etag, status, host_name, silo_name, role_name, proxy_port,
///            update_zone, fault_zone, start_time, i_am_alive, suspect_times: [{ silo, at }] } } }
/// </code>
/// The version and every row live in one document, so a single conditional update keeps a row and
/// the table version consistent without multi-document transactions. Rows are keyed (not an array)
/// so that one row can be set or removed with <c>$set</c>/<c>$unset</c> on its path: jongodb has no
/// positional operator or <c>$push</c>/<c>$pull</c>.
/// </summary>
public static class MembershipDocument
{
    public const string Collection = "membership";
    public const string Version = "version";
    public const string ETag = "etag";
    public const string Silos = "silos";

    public const string Address = "address";
    public const string Status = "status";
    public const string HostName = "host_name";
    public const string SiloName = "silo_name";
    public const string RoleName = "role_name";
    public const string ProxyPort = "proxy_port";
    public const string UpdateZone = "update_zone";
    public const string FaultZone = "fault_zone";
    public const string StartTime = "start_time";
    public const string IAmAlive = "i_am_alive";
    public const string SuspectTimes = "suspect_times";
    public const string Suspector = "silo";
    public const string SuspectedAt = "at";

    /// <summary>
    /// The field name of a silo's row: its parsable address with '.' replaced ('.' is a path separator
    /// in updates; '_' never occurs in an address, so the key stays unique).
    /// </summary>
    public static string SiloKey(SiloAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.ToParsableString().Replace('.', '_');
    }

    /// <summary>The update path of a silo's row, e.g. <c>silos.127_0_0_1:11111@1</c>.</summary>
    public static string RowPath(SiloAddress address) => $"{Silos}.{SiloKey(address)}";

    public static string NewETag() => Guid.NewGuid().ToString("N");

    public static string StatusName(SiloStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    public static SiloStatus ParseStatus(string name) =>
        Enum.GetValues<SiloStatus>().FirstOrDefault(s => StatusName(s) == name, SiloStatus.None);

    public static BsonDocument ToRow(MembershipEntry entry, string etag)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new BsonDocument
        {
            { Address, entry.SiloAddress.ToParsableString() },
            { ETag, etag },
            { Status, StatusName(entry.Status) },
            { HostName, (BsonValue?)entry.HostName ?? BsonNull.Value },
            { SiloName, (BsonValue?)entry.SiloName ?? BsonNull.Value },
            { RoleName, (BsonValue?)entry.RoleName ?? BsonNull.Value },
            { ProxyPort, entry.ProxyPort },
            { UpdateZone, entry.UpdateZone },
            { FaultZone, entry.FaultZone },
            { StartTime, Utc(entry.StartTime) },
            { IAmAlive, Utc(entry.IAmAliveTime) },
            {
                SuspectTimes,
                new BsonArray((entry.SuspectTimes ?? []).Select(s => new BsonDocument
                {
                    { Suspector, s.Item1.ToParsableString() },
                    { SuspectedAt, Utc(s.Item2) },
                }))
            },
        };
    }

    public static (MembershipEntry Entry, string ETag) FromRow(BsonDocument row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var entry = new MembershipEntry
        {
            SiloAddress = SiloAddress.FromParsableString(row[Address].AsString),
            Status = ParseStatus(row[Status].AsString),
            HostName = NullableString(row, HostName) ?? string.Empty,
            SiloName = NullableString(row, SiloName) ?? string.Empty,
            RoleName = NullableString(row, RoleName),
            ProxyPort = row[ProxyPort].ToInt32(),
            UpdateZone = row[UpdateZone].ToInt32(),
            FaultZone = row[FaultZone].ToInt32(),
            StartTime = row[StartTime].ToUniversalTime(),
            IAmAliveTime = row[IAmAlive].ToUniversalTime(),
            SuspectTimes = row.GetValue(SuspectTimes, new BsonArray()).AsBsonArray
                .Select(s => Tuple.Create(SiloAddress.FromParsableString(s[Suspector].AsString), s[SuspectedAt].ToUniversalTime()))
                .ToList(),
        };
        return (entry, row[ETag].AsString);
    }

    /// <summary>The gateway endpoint of an active silo row, or null (not active, or no gateway).</summary>
    public static Uri? GatewayUri(MembershipEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Status != SiloStatus.Active || entry.ProxyPort <= 0)
        {
            return null;
        }

        var endpoint = new IPEndPoint(entry.SiloAddress.Endpoint.Address, entry.ProxyPort);
        return SiloAddress.New(endpoint, entry.SiloAddress.Generation).ToGatewayUri();
    }

    public static BsonDateTime Utc(DateTime value) =>
        new(value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime());

    private static string? NullableString(BsonDocument row, string name) =>
        row.TryGetValue(name, out var value) && value.IsString ? value.AsString : null;
}
