using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace CrmChatbot.Chat.Broadcast;

/// <summary>
/// Places a grain on the silo its string key names (<see cref="SiloAddress.ToParsableString"/>): a
/// per-silo grain other silos can address. A key naming a silo that is not active is not placed at
/// all, so a message for a dead silo is dropped rather than delivered to the wrong one.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.silo-pinned-placement")]
public sealed class SiloPinnedPlacement : PlacementStrategy
{
    public static SiloPinnedPlacement Instance { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloPinnedPlacementAttribute() : PlacementAttribute(SiloPinnedPlacement.Instance);

public sealed class SiloPinnedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString() ?? "";
        var silo = SiloAddress.FromParsableString(key);
        if (!context.GetCompatibleSilos(target).Contains(silo))
        {
            throw new SiloUnavailableException($"Silo {key} is not an active member of the cluster; {target.GrainIdentity} is not placed elsewhere.");
        }

        return Task.FromResult(silo);
    }
}
