using CrmChatbot.Users;

namespace CrmChatbot.Api.Auth;

/// <summary>The answer to register and login, shaped like an OAuth2 token response plus the user.</summary>
public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, UserDto User);

/// <summary>Documents the body of <c>POST /api/auth/register</c>.</summary>
public sealed record RegisterRequest(string Email, string Password, string Name);

/// <summary>Documents the JSON body of <c>POST /api/auth/login</c>.</summary>
public sealed record LoginRequest(string Email, string Password);

/// <summary>Documents the body of <c>POST /api/auth/password</c>.</summary>
public sealed record ChangePasswordRequest(string CurrentPassword, string NewPassword);

/// <summary>Documents the body of <c>POST /api/users/{id}/password</c>.</summary>
public sealed record ResetPasswordRequest(string NewPassword);
