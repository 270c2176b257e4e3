namespace CrmChatbot.Api.Admin;

/// <summary>Reads membership and activation counts through the Orleans management grain.</summary>
public static class ClusterReader
{
    /// <summary>A silo that does not answer within this is shown without counts, rather than stalling the page.</summary>
    public static readonly TimeSpan SiloAnswerTimeout = TimeSpan.FromSeconds(5);

    public static async Task<ClusterView> ReadAsync(IGrainFactory grains, ILocalSiloDetails localSilo, CancellationToken cancellationToken)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var members = await management.GetDetailedHosts(onlyActive: false).WaitAsync(cancellationToken);

        // One statistics call per active silo, so one unreachable silo costs its own counts only.
        var active = members.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToArray();
        var statistics = await Task.WhenAll(active.Select(silo => CountAsync(management, silo, cancellationToken)));
        var countsBySilo = active.Zip(statistics).Where(pair => pair.Second is not null)
            .ToDictionary(pair => pair.First, pair => pair.Second!);

        var silos = members
            .OrderBy(m => m.Status == SiloStatus.Active ? 0 : 1)
            .ThenBy(m => m.SiloAddress.ToParsableString(), StringComparer.Ordinal)
            .Select(m =>
            {
                var grainsOnSilo = countsBySilo.GetValueOrDefault(m.SiloAddress);
                return new SiloView(
                    m.SiloAddress.ToParsableString(), m.SiloName, m.HostName, m.Status, Utc(m.StartTime), Utc(m.IAmAliveTime),
                    m.SiloAddress.Equals(localSilo.SiloAddress), grainsOnSilo?.Sum(g => g.ActivationCount), grainsOnSilo ?? []);
            })
            .ToList();
        return new ClusterView(localSilo.ClusterId, localSilo.SiloAddress.ToParsableString(), active.Length,
            silos.Sum(s => s.ActivationCount ?? 0), silos);
    }

    private static async Task<GrainTypeActivations[]?> CountAsync(IManagementGrain management, SiloAddress silo, CancellationToken cancellationToken)
    {
        try
        {
            var statistics = await management.GetSimpleGrainStatistics([silo]).WaitAsync(SiloAnswerTimeout, cancellationToken);
            return statistics
                .GroupBy(s => GrainTypeName(s.GrainType))
                .Select(g => new GrainTypeActivations(g.Key, g.Sum(s => s.ActivationCount)))
                .Where(g => g.ActivationCount > 0)
                .OrderByDescending(g => g.ActivationCount)
                .ThenBy(g => g.GrainType, StringComparer.Ordinal)
                .ToArray();
        }
        catch (Exception ex) when (ex is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException)
        {
            return null;
        }
    }

    /// <summary>Orleans reports "Namespace.Type,Assembly"; the assembly adds nothing for an operator.</summary>
    private static string GrainTypeName(string reported)
    {
        // Generic arguments carry their own assembly names inside brackets: cut at the first top-level comma.
        var depth = 0;
        for (var i = 0; i < reported.Length; i++)
        {
            switch (reported[i])
            {
                case '[':
                    depth++;
                    break;
                case ']':
                    depth--;
                    break;
                case ',' when depth == 0:
                    return reported[..i];
            }
        }

        return reported;
    }

    private static DateTimeOffset Utc(DateTime time) =>
        new(DateTime.SpecifyKind(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time, DateTimeKind.Utc));
}
