using CrmChatbot.Common;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Api.Http;
using CrmChatbot.Api.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmChatbot.Api.Admin;

/// <summary>Operations view for admins: the cluster's silos and activations, and the Orleans dashboard.</summary>
public static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder routes, CrmSettings settings)
    {
        var group = routes.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(Policies.Admin).ProducesAuthProblems();

        group.MapGet("/cluster", GetClusterAsync).WithName("Admin_GetCluster")
            .WithSummary("List the cluster's silos: address, status, start time, activation counts (total and per grain type)");
        group.MapPost("/dashboard-session", settings.DashboardEnabled ? DashboardAccess.StartSession : DashboardDisabled).WithName("Admin_OpenDashboardSession")
            .WithSummary("Open the Orleans dashboard in this browser: stores the bearer token in an HttpOnly cookie for /dashboard")
            .Produces<DashboardSession>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/dashboard-session", DashboardAccess.EndSession).WithName("Admin_CloseDashboardSession")
            .WithSummary("Close the dashboard session: deletes the cookie")
            .Produces(StatusCodes.Status204NoContent);

        group.MapPost("/backup", BackupAsync).WithName("Admin_CreateBackup")
            .WithSummary("Write a consistent copy of the embedded database to DATA_DIR/backups while the service runs")
            .Produces<BackupFile>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound);

        if (settings.DashboardEnabled)
        {
            routes.MapCrmDashboard();
        }

        return group;
    }

    private static async Task<Ok<ClusterView>> GetClusterAsync(
        IGrainFactory grains, ILocalSiloDetails localSilo, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ClusterReader.ReadAsync(grains, localSilo, cancellationToken));

    // Not a database write: the store copies its last committed state to a new file, and changes nothing.
    private static async Task<IResult> BackupAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetService(typeof(IStoreBackup)) is IStoreBackup backup
            ? TypedResults.Created((string?)null, await backup.BackupAsync(cancellationToken))
            : Problems.NotFound("This service stores its data in MongoDB: back it up with mongodump.");

    private static IResult DashboardDisabled() =>
        Problems.NotFound("The Orleans dashboard is turned off (DASHBOARD_ENABLED=false).");
}
