using System.Collections.Concurrent;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Common;
using CrmChatbot.Users;

namespace CrmChatbot.Api.Auth;

/// <summary>
/// The accounts behind recent tokens, so an authenticated request needs no user-grain call. Kept
/// exact by the user grain, which calls <see cref="Changed"/> in this process before any change
/// of an account (register, update, deactivate, delete) is acknowledged. That only holds when the
/// grain lives in this process: with CLUSTERING=mongo another silo may host it, so the cache is
/// off and every request asks the grain, as before.
/// </summary>
public sealed class UserAccountCache(CrmSettings settings) : IUserAccountChanges
{
    /// <summary>Bounds memory when many accounts are active; a full cache starts over.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, UserDto> _accounts = new(StringComparer.Ordinal);
    private long _generation;

    public bool Enabled { get; } = settings.Clustering == ClusteringMode.Localhost;

    public int Count => _accounts.Count;

    /// <summary>The account under <paramref name="emailKey"/> (null if none), from the cache or its grain.</summary>
    public async ValueTask<UserDto?> GetAsync(string emailKey, IGrainFactory grains)
    {
        if (Enabled && _accounts.TryGetValue(emailKey, out var cached))
        {
            return cached;
        }

        var generation = Interlocked.Read(ref _generation);
        var user = await grains.Reference<IUserGrain>(emailKey).GetAsync();
        if (Enabled && user is not null)
        {
            Remember(emailKey, user, generation);
        }

        return user;
    }

    public void Changed(string emailKey)
    {
        // Increment first: a read that raced with this change sees it and drops what it stored.
        Interlocked.Increment(ref _generation);
        _accounts.TryRemove(emailKey, out _);
    }

    /// <summary>Stores an account read at <paramref name="generation"/> unless a change happened since.</summary>
    public void Remember(string emailKey, UserDto user, long generation)
    {
        if (Interlocked.Read(ref _generation) != generation)
        {
            return;
        }

        if (_accounts.Count >= MaxEntries)
        {
            _accounts.Clear();
        }

        _accounts[emailKey] = user;
        // A change between the check and the store: its removal may have run before the store.
        if (Interlocked.Read(ref _generation) != generation)
        {
            _accounts.TryRemove(new KeyValuePair<string, UserDto>(emailKey, user));
        }
    }

    /// <summary>Counts account changes; a read remembers its account only if this did not move meanwhile.</summary>
    public long Generation => Interlocked.Read(ref _generation);
}
