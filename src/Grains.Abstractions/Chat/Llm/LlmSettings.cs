namespace CrmChatbot.Chat.Llm;

/// <summary>
/// The optional language model behind the chat assistant (any OpenAI-compatible server). Never logged: it holds the API key.
/// </summary>
public sealed record LlmSettings(Uri Endpoint, string ApiKey, string Model, TimeSpan Timeout)
{
    public const int DefaultTimeoutSeconds = 20;

    /// <summary>
    /// Validates CHAT_LLM_ENDPOINT / CHAT_LLM_API_KEY / CHAT_LLM_MODEL (all three or none) and CHAT_LLM_TIMEOUT_SECONDS.
    /// Null when none is set (the model is off); an <see cref="ArgumentException"/> with one clear line otherwise.
    /// </summary>
    public static LlmSettings? Parse(string? endpoint, string? apiKey, string? model, string? timeoutSeconds)
    {
        string?[] values = [endpoint, apiKey, model];
        string[] names = ["CHAT_LLM_ENDPOINT", "CHAT_LLM_API_KEY", "CHAT_LLM_MODEL"];
        var missing = names.Where((_, i) => string.IsNullOrWhiteSpace(values[i])).ToList();
        if (missing.Count == names.Length)
        {
            return null;
        }

        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"{string.Join(", ", names)} must be set together: {string.Join(" and ", missing)} missing");
        }

        if (!Uri.TryCreate(endpoint!.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"CHAT_LLM_ENDPOINT '{endpoint}' must be an absolute http:// or https:// URL");
        }

        var seconds = DefaultTimeoutSeconds;
        if (!string.IsNullOrWhiteSpace(timeoutSeconds) &&
            (!int.TryParse(timeoutSeconds.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out seconds) ||
             seconds is < 1 or > 600))
        {
            throw new ArgumentException($"CHAT_LLM_TIMEOUT_SECONDS '{timeoutSeconds}' must be a whole number of seconds from 1 to 600");
        }

        return new LlmSettings(uri, apiKey!.Trim(), model!.Trim(), TimeSpan.FromSeconds(seconds));
    }

    /// <summary>Keeps the key out of logs and exception messages that print the record.</summary>
    public override string ToString() => $"LlmSettings {{ Endpoint = {Endpoint}, Model = {Model}, Timeout = {Timeout} }}";
}
