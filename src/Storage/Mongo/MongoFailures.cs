using System.Net.Sockets;
using CrmChatbot.Common;
using MongoDB.Driver;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// The ONE place that decides which driver failures mean "the store is unreachable or did not answer
/// in time" (rethrown as <see cref="StorageUnavailableException"/>) and which are real errors that
/// propagate unchanged (duplicate keys, bad queries, authentication, etag conflicts...).
/// </summary>
public static class MongoFailures
{
    /// <summary>Why <paramref name="exception"/> means the store is unavailable, or null when it does not.</summary>
    public static string? UnavailableReason(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            // A configuration problem, not an outage: surface it as is.
            MongoAuthenticationException => null,
            MongoConnectionPoolPausedException => "the connection pool is paused after a connection failure",
            MongoConnectionException => "the connection to the server failed",
            MongoExecutionTimeoutException => "the server reported that the operation exceeded its time limit",
            MongoNotPrimaryException => "the server is not (or no longer) the primary",
            MongoNodeIsRecoveringException => "the server is recovering",
            MongoWaitQueueFullException => "too many operations are waiting for a connection",
            TimeoutException => "no suitable server answered in time (server selection or connection checkout timed out)",
            SocketException => "a network error occurred",
            IOException when exception is not FileNotFoundException and not DirectoryNotFoundException => "a network I/O error occurred",
            AggregateException { InnerExceptions.Count: 1 } aggregate => UnavailableReason(aggregate.InnerExceptions[0]),
            _ => exception.InnerException is SocketException or IOException ? UnavailableReason(exception.InnerException) : null,
        };
    }

    public static bool IsUnavailable(Exception exception) => UnavailableReason(exception) is not null;

    /// <summary>
    /// Runs one store operation with the operation timeout and the failure mapping. A cancellation by
    /// the caller stays an <see cref="OperationCanceledException"/>; the operation timeout becomes a
    /// <see cref="StorageUnavailableException"/>.
    /// </summary>
    public static async Task<T> RunAsync<T>(
        string storeDescription, string what, TimeSpan timeout, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            return await operation(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && timeoutSource.IsCancellationRequested)
        {
            throw new StorageUnavailableException(
                $"{storeDescription} is unavailable: {what} did not complete within the operation timeout of {timeout.TotalSeconds:0.###} s.", e);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && UnavailableReason(e) is { } reason)
        {
            throw new StorageUnavailableException($"{storeDescription} is unavailable: {what} failed because {reason}.", e);
        }
    }

    public static Task RunAsync(
        string storeDescription, string what, TimeSpan timeout, Func<CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return RunAsync<bool>(
            storeDescription,
            what,
            timeout,
            async ct =>
            {
                await operation(ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <summary>True for a duplicate-key error in either form: MongoWriteException (MongoDB) or MongoCommandException 11000 (jongodb, bulk paths).</summary>
    public static bool IsDuplicateKey(Exception exception) => exception switch
    {
        MongoWriteException write => write.WriteError?.Category == ServerErrorCategory.DuplicateKey,
        MongoBulkWriteException bulk => bulk.WriteErrors.Any(e => e.Category == ServerErrorCategory.DuplicateKey),
        MongoCommandException command => command.Code is 11000 or 11001,
        _ => false,
    };
}
