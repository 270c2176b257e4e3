using System.Security.Claims;
using CrmChatbot.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace CrmChatbot.Api.Auth;

/// <summary>The account behind a token as it is now (<see cref="User"/>), or why the token may no longer be used.</summary>
public readonly record struct AccountStanding(UserDto? User, string? Failure);

/// <summary>
/// The one check that a signed token's account may still act: it must still exist, be the same account
/// (not a deleted and re-registered email), be active, and not have changed its password since the token was
/// issued (the token's generation); its role is the account's current one. Used
/// by every REST request (the JWT bearer's OnTokenValidated) and by every chat hub invocation and
/// delivery. On a single silo the account comes from <see cref="UserAccountCache"/>, which the user grain
/// clears before acknowledging any change; otherwise from the user grain.
/// </summary>
public sealed class AccountCheck(UserAccountCache cache, IGrainFactory grains)
{
    public async ValueTask<AccountStanding> CheckAsync(ClaimsPrincipal principal)
    {
        var email = principal.FindFirstValue(JwtTokens.EmailClaim);
        var subject = principal.FindFirstValue(JwtTokens.SubjectClaim);
        if (email is null || subject is null)
        {
            return new AccountStanding(null, "The token does not name an account.");
        }

        var user = await cache.GetAsync(EmailKey.Normalize(email), grains);
        if (user is null || user.Id != subject)
        {
            return new AccountStanding(null, "The account of this token no longer exists.");
        }

        if (!user.IsActive)
        {
            return new AccountStanding(null, "The account of this token is deactivated.");
        }

        return principal.TokenGeneration() == user.TokenGeneration
            ? new AccountStanding(user, null)
            : new AccountStanding(null, "The account's password has changed since this token was issued: log in again.");
    }

    /// <summary>
    /// Drops this process's cached copy of the account: for a change reported by another silo (the user
    /// grain clears the cache only in its own process).
    /// </summary>
    public void Forget(string emailKey) => cache.Changed(emailKey);

    /// <summary>The token's claims with the account's current role and name.</summary>
    public static ClaimsPrincipal WithCurrentAccount(ClaimsPrincipal principal, UserDto user) => new(new ClaimsIdentity(
        principal.Claims.Where(c => c.Type is not JwtTokens.RoleClaim and not JwtTokens.NameClaim)
            .Append(new Claim(JwtTokens.RoleClaim, user.Role.ToClaim()))
            .Append(new Claim(JwtTokens.NameClaim, user.Name)),
        JwtBearerDefaults.AuthenticationScheme, JwtTokens.SubjectClaim, JwtTokens.RoleClaim));
}
