using Microsoft.Extensions.DependencyInjection;
using System.Security.Claims;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Http;
using CrmChatbot.Api.OpenApi;
using CrmChatbot.Common;
using CrmChatbot.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CrmChatbot.Api.Users;

/// <summary>Documents the body of <c>POST /api/users</c>.</summary>
public sealed record CreateUserRequest(string Email, string Password, string Name, UserRole Role = UserRole.Client);

/// <summary>Documents the body of <c>PUT /api/users/{id}</c>: every field optional.</summary>
public sealed record UpdateUserRequest(string? Name = null, UserRole? Role = null, bool? IsActive = null);

/// <summary>Account management for admins.</summary>
public static class UserEndpoints
{
    public static RouteGroupBuilder MapUserEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Policies.Admin).ProducesAuthProblems();

        group.MapGet("/", ListAsync).WithName("Users_List").WithSummary("List users (filter by role, is_active, q)")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/", CreateAsync).WithName("Users_Create").AcceptsJson<CreateUserRequest>()
            .WithSummary("Create a user with any role")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}", GetAsync).WithName("Users_Get").WithSummary("Get a user").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}", UpdateAsync).WithName("Users_Update").AcceptsJson<UpdateUserRequest>()
            .WithSummary("Change a user's name, role or active flag (partial)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPatch("/{id}", UpdateAsync).WithName("Users_Patch").AcceptsJson<UpdateUserRequest>()
            .WithSummary("Same as PUT")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{id}", DeleteAsync).WithName("Users_Delete").WithSummary("Delete a user")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/password", ResetPasswordAsync).WithName("Users_ResetPassword").AcceptsJson<ResetPasswordRequest>()
            .WithSummary("Set a user's password; every token of that user stops working")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<Results<Ok<Page<UserDto>>, ProblemHttpResult>> ListAsync(
        IUserQueries queries, CancellationToken cancellationToken,
        string? role = null, [FromQuery(Name = "is_active")] string? isActive = null, string? q = null,
        string? limit = null, string? offset = null)
    {
        var reader = new QueryReader(new FieldProblems());
        var query = new UserListQuery
        {
            Role = reader.Enum<UserRole>("role", role),
            IsActive = reader.Bool("is_active", isActive),
            Text = reader.Text("q", q, 200),
            Limit = reader.Limit(limit),
            Offset = reader.Offset(offset),
        };
        if (reader.Problems.Any)
        {
            return Problems.Validation(reader.Problems);
        }

        return TypedResults.Ok(await queries.ListAsync(query, cancellationToken));
    }

    private static async Task<Results<Created<UserDto>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, HttpResponse response, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, reader =>
        {
            var user = new NewUser(reader.String("email"), reader.String("password"), reader.String("name"),
                reader.EnumField<UserRole>("role").Or(UserRole.Client));
            reader.RejectUnknownFields("id", "created_at", "updated_at");
            reader.RequireEmailKey(user.Email);

            return user;
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var user = body.Value!;
        var result = await grains.Reference<IUserGrain>(EmailKey.Normalize(user.Email!)).RegisterAsync(user);
        return result.IsSuccess
            ? TypedResults.Created($"/api/users/{result.Value!.Id}", result.Value)
            : Problems.From(result.Error!, response);
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetAsync(
        string id, IUserQueries queries, CancellationToken cancellationToken)
    {
        var user = EntityIds.IsPlausible(id) ? await queries.FindByIdAsync(id, cancellationToken) : null;
        return user is null ? NotFound(id) : TypedResults.Ok(user);
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IUserQueries queries, IGrainFactory grains,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, reader =>
        {
            var patch = new UserPatch
            {
                Name = reader.StringField("name"),
                Role = reader.EnumField<UserRole>("role", allowNull: false),
                IsActive = reader.BoolField("is_active"),
            };
            reader.RejectUnknownFields("id", "email", "created_at", "updated_at", "password");
            return patch;
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var patch = body.Value!;
        var user = EntityIds.IsPlausible(id) ? await queries.FindByIdAsync(id, cancellationToken) : null;
        if (user is null)
        {
            return NotFound(id);
        }

        // An admin cannot lock themselves out: no self-demotion or self-deactivation.
        if (id == principal.UserId() &&
            ((patch.Role.HasValue && patch.Role.Value != UserRole.Admin) || (patch.IsActive.HasValue && !patch.IsActive.Value)))
        {
            return Problems.Conflict("You cannot demote or deactivate your own account.");
        }

        var grain = grains.Reference<IUserGrain>(EmailKey.Normalize(user.Email));
        var result = await grain.UpdateAsync(patch);
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : Problems.From(result.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ClaimsPrincipal principal, IUserQueries queries, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (id == principal.UserId())
        {
            return Problems.Conflict("You cannot delete your own account.");
        }

        var user = EntityIds.IsPlausible(id) ? await queries.FindByIdAsync(id, cancellationToken) : null;
        if (user is null)
        {
            return NotFound(id);
        }

        var result = await grains.Reference<IUserGrain>(EmailKey.Normalize(user.Email)).DeleteAsync();
        return result.IsSuccess ? TypedResults.NoContent()
            : result.Error!.Kind == ErrorKind.NotFound ? NotFound(id) : Problems.From(result.Error);
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> ResetPasswordAsync(
        string id, HttpRequest request, HttpResponse response, IUserQueries queries, IGrainFactory grains,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, reader =>
        {
            var password = reader.String("new_password");
            reader.RejectUnknownFields();
            return password;
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var user = EntityIds.IsPlausible(id) ? await queries.FindByIdAsync(id, cancellationToken) : null;
        if (user is null)
        {
            return NotFound(id);
        }

        var result = await grains.Reference<IUserGrain>(EmailKey.Normalize(user.Email)).ResetPasswordAsync(body.Value ?? "");
        if (result.IsSuccess)
        {
            CrmChatbot.Api.Auth.InitialAdmin.PasswordChanged(request.HttpContext.RequestServices.GetRequiredService<CrmChatbot.Api.Configuration.CrmSettings>(), user.Email);
        }

        return result.IsSuccess ? TypedResults.Ok(result.Value!)
            : result.Error!.Kind == ErrorKind.NotFound ? NotFound(id) : Problems.From(result.Error, response);
    }

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound(
        EntityIds.IsPlausible(id) ? $"User '{id}' was not found." : "No user has this id.");
}
