using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CrmChatbot.Api.Tests.Admin;

/// <summary>For hosts built with WithWebHostBuilder, which have no ApiFixture.</summary>
public static class AdminClient
{
    /// <summary>A client of <paramref name="host"/> logged in as the bootstrapped admin.</summary>
    public static async Task<HttpClient> CreateAsync(WebApplicationFactory<Program> host)
    {
        var http = host.CreateClient();
        var login = await ProblemAssert.JsonAsync(await http.PostAsJsonAsync("/api/auth/login",
            new { email = CrmApiFactory.AdminEmail, password = CrmApiFactory.AdminPassword }), HttpStatusCode.OK);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("access_token").GetString());
        return http;
    }
}
