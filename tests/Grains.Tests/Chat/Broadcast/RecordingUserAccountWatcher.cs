using System.Collections.Concurrent;
using CrmChatbot.Chat;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace CrmChatbot.Grains.Tests.Chat.Broadcast;

/// <summary>Stands in for one silo's chat hub: counts the account-change notices that reach that silo.</summary>
public sealed class RecordingUserAccountWatcher : IUserAccountWatcher
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly List<(string Key, int Count, TaskCompletionSource Done)> _waiters = [];

    public Task AccountChangedAsync(string emailKey, CancellationToken cancellationToken = default)
    {
        var count = _counts.AddOrUpdate(emailKey, 1, (_, n) => n + 1);
        lock (_lock)
        {
            foreach (var waiter in _waiters.Where(w => w.Key == emailKey && w.Count <= count).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        return Task.CompletedTask;
    }

    public int CountOf(string emailKey) => _counts.GetValueOrDefault(emailKey);

    /// <summary>Completes once <paramref name="count"/> notices for the account have arrived here.</summary>
    public Task WhenAsync(string emailKey, int count)
    {
        lock (_lock)
        {
            if (CountOf(emailKey) >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((emailKey, count, done));
            return done.Task;
        }
    }

    public static RecordingUserAccountWatcher Of(SiloHandle silo) =>
        (RecordingUserAccountWatcher)((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<IUserAccountWatcher>();
}
