using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace CrmChatbot.Api.OpenApi;

/// <summary>
/// The OpenAPI document (/openapi/v1.json) and the interactive docs page (/docs). The document is a
/// contract: its snapshot is openapi/v1.json, and tests/Api.Tests/OpenApi checks every operation's metadata.
/// </summary>
public static class OpenApiSetup
{
    private const string PasswordScheme = "OAuth2Password";
    private const string BearerScheme = "Bearer";

    public static IServiceCollection AddCrmOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                DescribeDocument(document);
                DescribeParticipants(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                operation.Security = SecurityOf(metadata, context.Document);
                AddRequestExample(operation, metadata);
                if (metadata.OfType<CsvUpload>().Any())
                {
                    operation.RequestBody = CsvRequestBody();
                }

                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                NumbersAreNumbers(schema);
                NameEnumValues(schema, context.JsonTypeInfo.Type);
                OmittedWhenNullIsOptional(schema, context.JsonTypeInfo);
                return Task.CompletedTask;
            });
        });

    private static OpenApiRequestBody CsvRequestBody() => new()
    {
        Required = true,
        Description = "The CSV file (RFC 4180, UTF-8 with or without BOM, a header line first).",
        Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
        {
            ["text/csv"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
            ["multipart/form-data"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string>(StringComparer.Ordinal) { "file" },
                    Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                    {
                        ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                    },
                },
            },
        },
    };

    /// <summary>
    /// A property left out of the JSON when null (e.g. a ticket's staff-only fields in a client's view) is not
    /// required: the contract must not promise a field some callers never get.
    /// </summary>
    private static void OmittedWhenNullIsOptional(OpenApiSchema schema, System.Text.Json.Serialization.Metadata.JsonTypeInfo typeInfo)
    {
        if (schema.Required is not { Count: > 0 } required || typeInfo.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            var ignore = property.AttributeProvider?.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), inherit: true)
                .OfType<System.Text.Json.Serialization.JsonIgnoreAttribute>().FirstOrDefault();
            if (ignore?.Condition == System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)
            {
                required.Remove(property.Name);
            }
        }
    }

    /// <summary>
    /// A meeting's participants are objects or plain strings (the original API's shape). The schema keeps the object
    /// form and the description names the string form: a oneOf of string and object in array items is flattened to
    /// strings by Kiota, which would take the object form (and its response) away from generated clients.
    /// </summary>
    private static void DescribeParticipants(OpenApiDocument document)
    {
        foreach (var name in new[] { "CreateMeetingRequest", "UpdateMeetingRequest" })
        {
            if (document.Components?.Schemas?.TryGetValue(name, out var request) == true && request is OpenApiSchema { Properties: { } properties } &&
                properties.TryGetValue("participants", out var property) && property is OpenApiSchema participants)
            {
                participants.Description =
                    "Objects with one of user_id, lead_id, email (and optionally response). Each entry may instead be a plain string, as in the " +
                    "original API: a user id, lead id or the email of a known user or lead is that user or lead; another email an email " +
                    "participant; any other string a guest known by that name (kind name).";
            }
        }
    }

    private static void DescribeDocument(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "CrmChatbot API",
            Version = "v1",
            Description = "CRM backend on Microsoft Orleans. Authorize with an access token from /api/auth/login " +
                          "(or use the password flow of the Authorize button). Errors are RFC 7807 application/problem+json.",
        };
        // The server is the address the document was fetched from; "/" at the end would double the slash in every path.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            if (tag.Name is not null && ApiTags.Descriptions.TryGetValue(tag.Name, out var description))
            {
                tag.Description = description;
            }
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[PasswordScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.OAuth2,
            Description = "Email as username, and password.",
            Flows = new OpenApiOAuthFlows
            {
                Password = new OpenApiOAuthFlow { TokenUrl = new Uri("/api/auth/login", UriKind.Relative), Scopes = new Dictionary<string, string>() },
            },
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "Paste the access_token from /api/auth/login.",
        };
    }

    /// <summary>
    /// Security follows the endpoint's authorization metadata, so it cannot drift from what is enforced:
    /// protected = bearer (or the password flow); anonymous = none; <see cref="OptionalAuthentication"/> = none or bearer.
    /// </summary>
    private static List<OpenApiSecurityRequirement> SecurityOf(IList<object> metadata, OpenApiDocument? document)
    {
        var tokenRequirements = new List<OpenApiSecurityRequirement>
        {
            new() { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            new() { [new OpenApiSecuritySchemeReference(PasswordScheme, document)] = [] },
        };
        var anonymous = !metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any();
        if (!anonymous)
        {
            return tokenRequirements;
        }

        // An empty requirement object means "no credentials needed".
        return metadata.OfType<OptionalAuthentication>().Any() ? [new(), .. tokenRequirements] : [new()];
    }

    private static void AddRequestExample(OpenApiOperation operation, IList<object> metadata)
    {
        var requestType = metadata.OfType<IAcceptsMetadata>().LastOrDefault(m => m.RequestType is not null)?.RequestType;
        if (requestType is null || operation.RequestBody?.Content is not { } content)
        {
            return;
        }

        foreach (var (contentType, media) in content)
        {
            if (contentType == "application/json" && media is OpenApiMediaType json)
            {
                json.Example = RequestExamples.For(requestType);
            }
        }
    }

    /// <summary>
    /// The web JSON defaults also read numbers from strings, so the generator declares number fields as
    /// "number or string" with a pattern. The API writes numbers, and clients should send numbers: say so,
    /// or generated clients get a union type for every number.
    /// </summary>
    private static void NumbersAreNumbers(OpenApiSchema schema)
    {
        if (schema.Type is { } type && (type & (JsonSchemaType.Number | JsonSchemaType.Integer)) != 0 && (type & JsonSchemaType.String) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
    }

    /// <summary>
    /// Names each enum value after its C# member (x-ms-enum, read by Kiota and AutoRest), so a generated
    /// client says <c>TicketStatus.InProgress</c> for "in_progress" rather than <c>In_progress</c>.
    /// </summary>
    private static void NameEnumValues(OpenApiSchema schema, Type type)
    {
        var enumType = Nullable.GetUnderlyingType(type) ?? type;
        if (!enumType.IsEnum || schema.Enum is not { Count: > 0 } values)
        {
            return;
        }

        var names = Enum.GetNames(enumType).ToDictionary(name => JsonNamingPolicy.SnakeCaseLower.ConvertName(name), StringComparer.Ordinal);
        var described = new JsonArray();
        foreach (var value in values.Select(v => v?.GetValue<string>()).OfType<string>())
        {
            if (names.TryGetValue(value, out var name))
            {
                described.Add(new JsonObject { ["value"] = value, ["name"] = name });
            }
        }

        schema.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        schema.Extensions["x-ms-enum"] = new JsonNodeExtension(new JsonObject
        {
            ["name"] = enumType.Name,
            ["modelAsString"] = false,
            ["values"] = described,
        });
    }

    public static WebApplication MapCrmDocs(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = "docs";
            options.DocumentTitle = "CrmChatbot API";
            options.SwaggerEndpoint("/openapi/v1.json", "CrmChatbot API v1");
            options.EnablePersistAuthorization();
        });
        return app;
    }
}
