using Microsoft.Extensions.DependencyInjection;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Api.Http;
using CrmChatbot.Api.OpenApi;
using CrmChatbot.Common;
using CrmChatbot.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmChatbot.Api.Auth;

public static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/auth").WithTags("Auth");

        group.MapPost("/register", RegisterAsync).WithName("Auth_Register")
            .AcceptsJson<RegisterRequest>()
            .WithSummary("Register a client account and get an access token")
            .RequireRateLimiting(RateLimits.Register)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/login", LoginAsync).WithName("Auth_Login")
            .Accepts<LoginRequest>("application/json", "application/x-www-form-urlencoded")
            .WithSummary("Log in with email and password (JSON, or an OAuth2 password form with username/password)")
            .RequireRateLimiting(RateLimits.Login)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/password", ChangePasswordAsync).WithName("Auth_ChangePassword")
            .RequireAuthorization()
            .AcceptsJson<ChangePasswordRequest>()
            .WithSummary("Change your password; your other tokens stop working and the answer carries a fresh one")
            .RequireRateLimiting(RateLimits.Login)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/me", MeAsync).WithName("Auth_Me")
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("The signed-in user");

        return group;
    }

    private static async Task<Results<Created<TokenResponse>, ProblemHttpResult>> RegisterAsync(
        HttpRequest request, HttpResponse response, IGrainFactory grains, JwtTokens tokens, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, reader =>
        {
            var user = new NewUser(reader.String("email"), reader.String("password"), reader.String("name"), UserRole.Client);
            // Self-registration always creates a client: a role in the body is accepted and ignored.
            reader.Has("role");
            reader.RejectUnknownFields();
            reader.RequireEmailKey(user.Email);

            return user;
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var user = body.Value!;
        var result = await grains.Reference<IUserGrain>(EmailKey.Normalize(user.Email!)).RegisterAsync(user);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error!, response);
        }

        return TypedResults.Created("/api/auth/me", Token(tokens, result.Value!));
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> LoginAsync(
        HttpRequest request, HttpResponse response, IGrainFactory grains, JwtTokens tokens, CancellationToken cancellationToken)
    {
        string? email;
        string? password;
        if (request.HasFormContentType)
        {
            // OAuth2 password grant, as the docs page's Authorize button sends it.
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (InvalidDataException)
            {
                return TypedResults.Problem("The form body is malformed or too large.", statusCode: StatusCodes.Status400BadRequest, title: "Bad request");
            }

            email = form["username"].FirstOrDefault() ?? form["email"].FirstOrDefault();
            password = form["password"].FirstOrDefault();
        }
        else
        {
            var body = await JsonBody.ReadAsync(request, reader =>
            {
                var login = (Email: reader.String("email") ?? reader.String("username"), Password: reader.String("password"));
                reader.RejectUnknownFields();
                return login;
            }, cancellationToken);
            if (body.Problem is not null)
            {
                return body.Problem;
            }

            (email, password) = body.Value;
        }

        var missing = new FieldProblems();
        if (string.IsNullOrWhiteSpace(email))
        {
            missing.Add("email", "is required");
        }
        else if (email.Length > 254)
        {
            missing.Add("email", "must be at most 254 characters");
        }
        else if (TextRules.Problem(email, multiLine: false) is { } badCharacter)
        {
            missing.Add("email", badCharacter); // also the form's username: it becomes a grain key
        }

        if (string.IsNullOrEmpty(password))
        {
            missing.Add("password", "is required");
        }

        if (missing.Any)
        {
            return Problems.Validation(missing);
        }

        var result = await grains.Reference<IUserGrain>(EmailKey.Normalize(email!)).LoginAsync(password!, ClientAddress.Of(request.HttpContext));
        switch (result.Outcome)
        {
            case LoginOutcome.Success:
                return TypedResults.Ok(Token(tokens, result.User!));
            case LoginOutcome.Throttled:
                return Problems.From(new CommandError(ErrorKind.Throttled,
                    $"Too many failed logins for this email. Try again in {result.RetryAfterSeconds} seconds.", RetryAfterSeconds: result.RetryAfterSeconds), response);
            case LoginOutcome.Busy:
                return Problems.From(new CommandError(ErrorKind.Unavailable,
                    "The server is busy checking passwords. Try again in a moment.", RetryAfterSeconds: result.RetryAfterSeconds), response);
            case LoginOutcome.Inactive:
                return Problems.Forbidden("This account is deactivated.");
            default:
                response.Headers.WWWAuthenticate = "Bearer";
                return Problems.Unauthorized("Incorrect email or password.");
        }
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> ChangePasswordAsync(
        HttpRequest request, HttpResponse response, System.Security.Claims.ClaimsPrincipal principal, IGrainFactory grains,
        JwtTokens tokens, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, reader =>
        {
            var change = (Current: reader.String("current_password"), New: reader.String("new_password"));
            reader.RejectUnknownFields();
            return change;
        }, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var (current, next) = body.Value;
        var missing = new FieldProblems();
        if (string.IsNullOrEmpty(current))
        {
            missing.Add("current_password", "is required");
        }

        if (string.IsNullOrEmpty(next))
        {
            missing.Add("new_password", "is required");
        }

        if (missing.Any)
        {
            return Problems.Validation(missing);
        }

        var result = await grains.Reference<IUserGrain>(EmailKey.Normalize(principal.Email()))
            .ChangePasswordAsync(current!, next!);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error!, response);
        }

        InitialAdmin.PasswordChanged(request.HttpContext.RequestServices.GetRequiredService<CrmSettings>(), result.Value!.Email);
        return TypedResults.Ok(Token(tokens, result.Value!));
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> MeAsync(
        System.Security.Claims.ClaimsPrincipal principal, IGrainFactory grains)
    {
        var user = await grains.Reference<IUserGrain>(EmailKey.Normalize(principal.Email())).GetAsync();
        return user is null ? Problems.Unauthorized("The account no longer exists.") : TypedResults.Ok(user);
    }

    private static TokenResponse Token(JwtTokens tokens, UserDto user) =>
        new(tokens.Issue(user), "bearer", (int)tokens.Lifetime.TotalSeconds, user);
}
