using Microsoft.Extensions.Options;

namespace CrmChatbot.Users;

/// <summary>The hash function itself (bcrypt); replaceable so a test can hold a hash busy deterministically.</summary>
public interface IPasswordHashAlgorithm
{
    string Hash(string password, int workFactor);

    bool Verify(string password, string hash);
}

public sealed class BCryptPasswordHashAlgorithm : IPasswordHashAlgorithm
{
    public string Hash(string password, int workFactor) => BCrypt.Net.BCrypt.EnhancedHashPassword(password, workFactor);

    public bool Verify(string password, string hash)
    {
        try
        {
            return BCrypt.Net.BCrypt.EnhancedVerify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }
}

/// <summary>
/// Every password hash of this silo goes through here: at most <see cref="PasswordHashingOptions.Concurrency"/>
/// run at once (on the thread pool, off the grain scheduler) and at most
/// <see cref="PasswordHashingOptions.QueueLength"/> wait; beyond that a hash is refused at once (null),
/// so anonymous logins cannot take every core from authenticated requests.
/// </summary>
public sealed class PasswordHasher : IDisposable
{
    private readonly IPasswordHashAlgorithm _algorithm;
    private readonly SemaphoreSlim _slots;
    private readonly int _capacity;
    private int _admitted;

    public PasswordHasher(IOptions<PasswordHashingOptions> options, IPasswordHashAlgorithm algorithm)
    {
        _algorithm = algorithm;
        var concurrency = options.Value.EffectiveConcurrency;
        _slots = new SemaphoreSlim(concurrency, concurrency);
        _capacity = concurrency + Math.Max(0, options.Value.QueueLength);
        RetryAfterSeconds = Math.Max(1, options.Value.RetryAfterSeconds);
    }

    public int RetryAfterSeconds { get; }

    /// <summary>The hash of <paramref name="password"/>, or null when the queue is full.</summary>
    public Task<string?> HashAsync(string password, int workFactor) =>
        RunAsync(() => (string?)_algorithm.Hash(password, workFactor));

    /// <summary>Whether <paramref name="password"/> matches, or null when the queue is full.</summary>
    public Task<bool?> VerifyAsync(string password, string hash) =>
        RunAsync(() => (bool?)_algorithm.Verify(password, hash));

    private async Task<T?> RunAsync<T>(Func<T?> work)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return default;
        }

        try
        {
            await _slots.WaitAsync().ConfigureAwait(false);
            try
            {
                return await Task.Run(work).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }

    public void Dispose() => _slots.Dispose();
}
