using CrmChatbot.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrmChatbot.Api.Http;

/// <summary>Maps refusals to RFC 7807 problem responses, one status per kind of refusal.</summary>
public static class Problems
{
    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "One or more fields are invalid.",
            Detail = "Invalid fields: " + string.Join(", ", errors.Keys.Order(StringComparer.Ordinal)) + ".",
        });

    public static ProblemHttpResult Validation(FieldProblems problems) => Validation(problems.ToDictionary());

    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    /// <summary>As <see cref="From(CommandError)"/>, and a refusal that names a wait also sets <c>Retry-After</c>.</summary>
    public static ProblemHttpResult From(CommandError error, HttpResponse response)
    {
        if (error.RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return From(error);
    }

    public static ProblemHttpResult From(CommandError error) => error.Kind switch
    {
        ErrorKind.Validation when error.Fields is not null => Validation(error.Fields.ToDictionary()),
        ErrorKind.Validation => TypedResults.Problem(error.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid request"),
        ErrorKind.NotFound => NotFound(error.Message),
        ErrorKind.Conflict => Conflict(error.Message),
        ErrorKind.Forbidden => Forbidden(error.Message),
        ErrorKind.PreconditionFailed => TypedResults.Problem(error.Message, statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed"),
        ErrorKind.Throttled => TypedResults.Problem(error.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests"),
        ErrorKind.Unavailable => TypedResults.Problem(error.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable"),
        _ => TypedResults.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest),
    };
}
