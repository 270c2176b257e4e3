using CrmChatbot.Common;
using Microsoft.AspNetCore.Http;

namespace CrmChatbot.Api.Http;

/// <summary>
/// Refuses an API request whose query string holds a character <see cref="TextRules"/> refuses in
/// single-line text (a control character, a bidi override), with 422 naming the parameter. One
/// check for every parameter of every endpoint, before any of them parses or searches with it.
/// </summary>
public sealed class QueryStringGuard(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && context.Request.QueryString.HasValue)
        {
            var problems = new FieldProblems();
            foreach (var (name, values) in context.Request.Query)
            {
                if (TextRules.Problem(name, multiLine: false) is { } badName)
                {
                    problems.Add("(query parameter name)", badName);
                }

                foreach (var value in values)
                {
                    if (TextRules.Problem(value, multiLine: false) is { } badValue)
                    {
                        problems.Add(name, badValue);
                    }
                }
            }

            if (problems.Any)
            {
                return Problems.Validation(problems).ExecuteAsync(context);
            }
        }

        return next(context);
    }
}
