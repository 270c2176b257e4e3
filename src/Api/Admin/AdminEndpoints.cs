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

        if (settings.DashboardEnabled)
        {
            routes.MapCrmDashboard();
        }

        return group;
    }

    private static async Task<Ok<ClusterView>> GetClusterAsync(
        IGrainFactory grains, ILocalSiloDetails localSilo, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ClusterReader.ReadAsync(grains, localSilo, cancellationToken));

    private static IResult DashboardDisabled() =>
        Problems.NotFound("The Orleans dashboard is turned off (DASHBOARD_ENABLED=false).");
}
