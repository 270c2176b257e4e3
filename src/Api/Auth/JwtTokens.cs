using System.Security.Claims;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Common;
using CrmChatbot.Users;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrmChatbot.Api.Auth;

/// <summary>Issues and describes the HS256 access tokens of the API.</summary>
public sealed class JwtTokens(CrmSettings settings, TimeProvider clock)
{
    public const string RoleClaim = "role";
    public const string EmailClaim = "email";
    public const string SubjectClaim = "sub";
    public const string NameClaim = "name";

    /// <summary>The account's token generation at issue (see <see cref="UserDto.TokenGeneration"/>); absent = 0.</summary>
    public const string GenerationClaim = "gen";

    private readonly JsonWebTokenHandler _handler = new();

    public SymmetricSecurityKey SigningKey { get; } = new(settings.JwtSecretKey);

    public TimeSpan Lifetime => TimeSpan.FromMinutes(settings.AccessTokenExpireMinutes);

    public string Issue(UserDto user)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = CrmSettings.Issuer,
            Audience = CrmSettings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
            Subject = new ClaimsIdentity(
            [
                new Claim(SubjectClaim, user.Id),
                new Claim(EmailClaim, user.Email),
                new Claim(RoleClaim, user.Role.ToClaim()),
                new Claim(NameClaim, user.Name),
                new Claim(GenerationClaim, user.TokenGeneration.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
            ]),
        });
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = CrmSettings.Issuer,
        ValidAudience = CrmSettings.Audience,
        IssuerSigningKey = SigningKey,
        // Pinned: alg "none" and every other algorithm are refused.
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = SubjectClaim,
        RoleClaimType = RoleClaim,
    };
}

public static class ClaimsPrincipalExtensions
{
    public static string UserId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(JwtTokens.SubjectClaim) ?? throw new InvalidOperationException("No subject claim.");

    /// <summary>The token generation the token was issued at (0 for tokens from before generations existed).</summary>
    public static int TokenGeneration(this ClaimsPrincipal principal) =>
        int.TryParse(principal.FindFirstValue(JwtTokens.GenerationClaim), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var generation) ? generation : 0;

    public static string Email(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(JwtTokens.EmailClaim) ?? throw new InvalidOperationException("No email claim.");

    /// <summary>The signed-in user as the author of a change (role as the account has it now).</summary>
    public static Actor ToActor(this ClaimsPrincipal principal) =>
        Actor.User(principal.UserId(), principal.Role(), principal.FindFirstValue(JwtTokens.NameClaim));

    public static UserRole Role(this ClaimsPrincipal principal) => principal.FindFirstValue(JwtTokens.RoleClaim) switch
    {
        UserRoles.Admin => UserRole.Admin,
        UserRoles.Agent => UserRole.Agent,
        _ => UserRole.Client,
    };
}
