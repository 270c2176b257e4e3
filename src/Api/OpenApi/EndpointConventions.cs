using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CrmChatbot.Api.OpenApi;

/// <summary>Response metadata shared by many endpoints, so the OpenAPI document lists every problem status.</summary>
public static class EndpointConventions
{
    /// <summary>A JSON body of <typeparamref name="T"/>, and the problems reading any body can produce.</summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder)
        where T : notnull =>
        builder.Accepts<T>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>
    /// A CSV upload: the body as text/csv, or a file in multipart/form-data. Documented through <see cref="CsvUpload"/>
    /// rather than Accepts metadata, which would let routing answer 415 before authorization answers 401/403.
    /// </summary>
    public static RouteHandlerBuilder AcceptsCsvUpload(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new CsvUpload())
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>Every endpoint of a protected group may answer 401 (no or bad token) or 403 (role).</summary>
    public static RouteGroupBuilder ProducesAuthProblems(this RouteGroupBuilder group) =>
        group.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
}

/// <summary>Marks an endpoint whose request body is a CSV file (see <see cref="EndpointConventions.AcceptsCsvUpload"/>).</summary>
public sealed class CsvUpload;
