namespace CrmChatbot.Common;

/// <summary>Readiness probe of the backing store, used by <c>/health/ready</c>.</summary>
public interface IStorageHealth
{
    /// <summary>A short description of the store (kind and location, no secrets).</summary>
    string Describe();

    /// <summary>Completes when the store answers; throws with a reason when it does not.</summary>
    Task CheckAsync(CancellationToken cancellationToken = default);
}
