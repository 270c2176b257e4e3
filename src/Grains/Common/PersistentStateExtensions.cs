namespace CrmChatbot.Common;

public static class PersistentStateExtensions
{
    /// <summary>
    /// Replaces the state and writes it. If the write is not acknowledged, memory is restored to the
    /// previous state and <paramref name="onFailure"/> runs (grains deactivate, so the next call
    /// reloads what the store really holds); the exception still reaches the caller.
    /// </summary>
    public static async Task ReplaceAsync<T>(this IPersistentState<T> state, T next, Action onFailure)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            onFailure();
            throw;
        }
    }
}
