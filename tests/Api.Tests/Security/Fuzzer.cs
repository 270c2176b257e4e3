using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CrmChatbot.Api.Tests.Security;

/// <summary>
/// Builds one seeded request for an OpenAPI operation: a plausible request (real ids, values that
/// fit each field) with one or more mutations, so most requests get past routing and auth and
/// reach the readers, rules and grains with something wrong in them.
/// </summary>
internal sealed class Fuzzer(Random random, Seeds seeds, JsonElement document)
{
    /// <summary>The upload of a CSV file: bodies of its own (<see cref="AddCsvBody"/>), not JSON.</summary>
    public const string CsvImportPath = "/api/leads/import";

    private static readonly string[] Roles = ["admin", "agent", "client", "anonymous"];

    /// <summary>JSON values, written as raw JSON so they can hold what no serializer writes.</summary>
    private static readonly byte[][] ValueMutations =
    [
        .. new[]
        {
            "123", "-1", "0", "1e308", "-1e308", "1.5", "-0", "9223372036854775808", "2147483648", "true", "false", "null",
            "{}", "[]", "{\"$gt\":\"\"}", "[1,\"a\",null]", "[[[[[]]]]]", "{\"a\":{\"b\":{\"c\":[]}}}", "\"true\"", "\"123\"",
            "\"\\ud800\"", "\"\\udc00\"", "\"x\\ud800y\"", "\"\\udfff\\ud800\"", "\"\\u0000\"", "\"a\\u0000b\"",
        }.Select(Encoding.UTF8.GetBytes),
        [0x22, 0xFF, 0xFE, 0x22],
        [0x22, 0x61, 0xC3, 0x28, 0x22],
        [0x22, 0xED, 0xA0, 0x80, 0x22], // a surrogate encoded as UTF-8
        [0x22, 0xC0, 0xAF, 0x22], // overlong
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], // above U+10FFFF
    ];

    private static readonly byte[][] BrokenKeys =
        [[0x22, 0xFF, 0x22], Encoding.UTF8.GetBytes("\"\\ud800\""), Encoding.UTF8.GetBytes("\"a\\u0000\"")];

    private static readonly string[] StringMutations =
    [
        "", " ", "\t", "a\u0000b", "\u0001", "\u007F", "\u0085", "\u202Eevil", "a\u2066b", "\u2028", "\uFEFF",
        "x\r\nBEGIN:VEVENT\r\nSUMMARY:injected\r\nEND:VEVENT", "line\nbreak", "😀😀😀", "漢字テスト", "\u0645\u0631\u062D\u0628\u0627",
        "' OR 1=1 --", "<script>alert(1)</script>", "../../../../etc/passwd", "%00", "${jndi:ldap://x}", "null", "undefined",
        "America", "America/Argentina", "Etc", "posixrules", "../../../etc/localtime", "Europe/Berlin\u0000", "UTC", "Mars/Olympus",
        "9999-12-31T23:50:00Z", "0001-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "2026-02-30T10:00:00Z", "2026-12-01T09:30:00",
        "2026-12-01T09:30:00+14:00", "2026-12-01T09:30:00+23:59", "9999-12-31T23:59:59.9999999-14:00", "9999-12-31", "0001-01-01",
        "1999-12-31", "2201-01-01", "-2026-01-01", "2026-13-01", "T-1001", "T-99999999999999999999", "T-0", "javascript:alert(1)",
        "http://", "https://x.example/\r\nX:1", "ftp://x.example", "mailto:a@b.c", "a@b", "@", "a@b.c\u0000", "A@B.C",
        new string('x', 5_000), new string('x', 200_000), string.Concat(Enumerable.Repeat("😀", 3_000)), string.Concat(Enumerable.Repeat("漢", 20_000)),
    ];

    private static readonly string[] RawBodies =
    [
        "", "{", "}", "[]", "null", "\"text\"", "123", "{\"a\":}", "{\"a\":1,}", "{'a':1}", "{\"a\":1}{\"b\":2}", "{\"a\":NaN}",
        "{\"a\":\"\\x\"}", "{\"a\":\"unterminated}", "{\"a\":1,\"a\":2}", "\uFEFF{}", "{\"\\ud800\":1}", "{\"a\" 1}",
        "{\"a\":" + new string('[', 100) + new string(']', 100) + "}", new string('{', 5_000),
    ];

    // No %00: the in-process TestServer refuses such a path on the client side ("The path contains
    // null characters") before the app sees it; Kestrel answers it with 400 itself.
    private static readonly string[] BadIds =
    [
        "00000000-0000-0000-0000-000000000000", "0199ffff-ffff-7fff-bfff-ffffffffffff", "T-1001", "T-99999999999999999999", "t-1",
        "%FF", "..%2F..", "%2e%2e", "null", "-1", "0", "%20", "a%0Ab", "%E2%80%AE", "%ED%A0%80", "x%22y", new string('a', 3_000),
        "admin%40crm.test", "%C0%AF",
    ];

    private static readonly string[] QueryMutations =
    [
        "%01", "a%00b", "%E2%80%AE", "%0D%0A", "%7F", new string('x', 5_000), "-1", "99999999999999999999", "", "America",
        "9999-12-31T23%3A50%3A00Z", "0001-01-01T00%3A00%3A00Z", "9999-12-31", "0001-01-01", "2026-02-30", "null", "%5B%5D",
        "%7B%22%24gt%22%3A%22%22%7D", "true", "-", "--created_at", "%FF", "%C0%AF", "%ED%A0%80", "%", "%zz", "a+b", "%2B",
    ];

    private static readonly string[] IfMatches = ["\"1\"", "\"999\"", "*", "garbage", "\"-5\"", "W/\"1\"", "\"99999999999999999999999\"", "\"\"", "\"1\", \"2\""];

    private static readonly string[] IdempotencyKeys = ["k-1", new string('k', 300), "a b", "", "key\"quote", "same-key"];

    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/json; charset=utf-16", "application/json-patch+json", "application/octet-stream", "application/json; charset=nonsense",
    ];

    private int _counter;

    public FuzzedRequest Build(OpenApiOperation operation)
    {
        var role = Pick(Roles);
        var request = new FuzzedRequest { Method = operation.Method, Url = FillPath(operation.Path) + Query(operation), Role = role };
        AddAuthorization(request, role, operation.Path);
        if (operation.Method != "GET" && Chance(0.3))
        {
            request.Headers.Add(("If-Match", Pick(IfMatches)));
        }

        if (operation.Method == "POST" && Chance(0.2))
        {
            request.Headers.Add(("Idempotency-Key", Pick(IdempotencyKeys)));
        }

        if (Chance(0.05))
        {
            request.Headers.Add(("Accept", Pick(["application/xml", "text/calendar", "*/*;q=abc"])));
        }

        if (operation.Path == CsvImportPath && operation.Method == "POST")
        {
            AddCsvBody(request);
        }
        else if (operation.Body is { } schema)
        {
            AddBody(request, operation, schema);
        }
        else if (operation.Method != "GET" && Chance(0.2))
        {
            request.Body = Encoding.UTF8.GetBytes(Pick(RawBodies));
            request.ContentType = "application/json";
        }

        return request;
    }

    private void AddAuthorization(FuzzedRequest request, string role, string path)
    {
        var token = role switch
        {
            "admin" => seeds.AdminToken,
            "agent" => seeds.AgentToken,
            "client" => seeds.ClientToken,
            _ => null,
        };
        if (token is not null)
        {
            request.Headers.Add(("Authorization", "Bearer " + token));
        }
        else if (Chance(0.4))
        {
            var tampered = seeds.AdminToken[..^4] + "AAAA";
            request.Headers.Add(("Authorization", Pick(["Bearer garbage", "Basic YWRtaW46YWRtaW4=", "Bearer ", "Bearer a.b.c", "Bearer " + tampered])));
        }

        if (path.StartsWith("/api/chat", StringComparison.Ordinal) && Chance(role == "anonymous" ? 0.7 : 0.2))
        {
            request.Headers.Add(("X-Chat-Token", Chance(0.7) ? seeds.ChatToken : Pick(["garbage", new string('t', 500), ""])));
        }
    }

    private string FillPath(string template)
    {
        var segments = template.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].StartsWith('{'))
            {
                segments[i] = !Chance(0.75) ? Pick(BadIds)
                    : segments[i] == "{deliveryId}" ? Pick(seeds.WebhookDeliveries)
                    : ValidId(template);
            }
        }

        return string.Join('/', segments);
    }

    private string ValidId(string template)
    {
        if (template.StartsWith("/api/leads", StringComparison.Ordinal))
        {
            return Pick(seeds.Leads);
        }

        if (template.StartsWith("/api/tickets", StringComparison.Ordinal))
        {
            return Chance(0.3) ? Pick(seeds.TicketNumbers) : Pick(seeds.Tickets);
        }

        if (template.StartsWith("/api/meetings", StringComparison.Ordinal))
        {
            return Pick(seeds.Meetings);
        }

        if (template.StartsWith("/api/campaigns", StringComparison.Ordinal))
        {
            return Pick(seeds.Campaigns);
        }

        if (template.StartsWith("/api/webhooks", StringComparison.Ordinal))
        {
            return Pick(seeds.Webhooks);
        }

        if (template.StartsWith("/api/imports", StringComparison.Ordinal))
        {
            return Pick(seeds.Imports);
        }

        if (template.StartsWith("/api/users", StringComparison.Ordinal))
        {
            return seeds.VictimUserId; // never the fuzz's own accounts: deleting them would end its reach
        }

        return seeds.ChatSessionId;
    }

    private string Query(OpenApiOperation operation)
    {
        var parts = new List<string>();
        foreach (var (name, schema) in operation.Query)
        {
            if (Chance(0.5))
            {
                parts.Add(name + "=" + (Chance(0.5) ? Pick(QueryMutations) : Uri.EscapeDataString(ValidQueryValue(name, schema))));
            }
        }

        if (Chance(0.05))
        {
            parts.Add(Pick(["zz=1", "%01=x", "limit=1&limit=2", "=", "&&", "a%00=b"]));
        }

        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private string ValidQueryValue(string name, JsonElement schema)
    {
        if (schema.ValueKind == JsonValueKind.Object && EnumValues(Resolve(schema)) is { Count: > 0 } values)
        {
            return Pick(values);
        }

        return name switch
        {
            "limit" => random.Next(1, 201).ToString(CultureInfo.InvariantCulture),
            "offset" => random.Next(0, 5).ToString(CultureInfo.InvariantCulture),
            "sort" => Pick(["-created_at", "created_at", "name", "date", "-updated_at", "priority", "number", "title", "score"]),
            "from" => "2027-01-01T00:00:00Z",
            "to" => "2027-12-31T00:00:00Z",
            "active_on" => "2027-02-01",
            "participant" => Chance(0.5) ? seeds.ClientId : "seed-lead-0@crm.test",
            "status" => Pick(["open", "new", "scheduled", "active", "draft", "waiting_for_agent"]),
            "number" => "T-1001",
            "force" or "allow_duplicate" or "converted" or "is_active" or "sla_breached" or "dry_run" => Pick(["true", "false"]),
            "mapping" => Pick(["{\"Full name\":\"name\",\"E-mail\":\"email\"}", "{\"name\":\"name\"}", "{\"a\":null}", "{\"name\":\"name\",\"x\":\"name\"}", "{}", "[]"]),
            "min_score" => "10",
            "lead_id" => Pick(seeds.Leads),
            "ticket_id" => Pick(seeds.Tickets),
            "campaign_id" => Pick(seeds.Campaigns),
            "owner_id" or "assignee_id" or "assigned_agent_id" => seeds.AgentId,
            "requester_id" => seeds.ClientId,
            "role" => Pick(["admin", "agent", "client"]),
            _ => "seed",
        };
    }

    private void AddBody(FuzzedRequest request, OpenApiOperation operation, JsonElement schema)
    {
        var roll = random.NextDouble();
        if (roll < 0.12)
        {
            request.Body = Chance(0.1)
                ? Encoding.UTF8.GetBytes("{\"a\":\"" + new string('x', 1_100_000) + "\"}") // over the 1 MiB limit
                : Encoding.UTF8.GetBytes(Pick(RawBodies));
            request.ContentType = "application/json";
            return;
        }

        if (operation.Path == "/api/auth/login" && roll < 0.3)
        {
            request.Body = Encoding.UTF8.GetBytes(Pick([
                "username=admin%40crm.test&password=wrong-password", "username=%FF%FE&password=x", "username=a%00b&password=x",
                "username=%ED%A0%80&password=%ED%A0%80", "username=&password=", "username=" + new string('a', 5_000) + "&password=x",
                "username=a&username=b&password=x", "username=%&password=%zz", "grant_type=password", "%01=%02",
            ]));
            request.ContentType = "application/x-www-form-urlencoded";
            return;
        }

        var fields = new List<(byte[] Key, byte[] Value)>();
        var resolved = Resolve(schema);
        if (resolved.TryGetProperty("properties", out var properties))
        {
            var required = resolved.TryGetProperty("required", out var list)
                ? list.EnumerateArray().Select(r => r.GetString()!).ToHashSet(StringComparer.Ordinal)
                : [];
            foreach (var property in properties.EnumerateObject())
            {
                if (required.Contains(property.Name) || Chance(0.6))
                {
                    fields.Add((Json(property.Name), JsonSerializer.SerializeToUtf8Bytes(Valid(property.Name, property.Value, 0))));
                }
            }
        }

        if (Chance(0.85))
        {
            var mutations = random.Next(1, 4);
            for (var m = 0; m < mutations; m++)
            {
                Mutate(fields);
            }
        }

        request.Body = Object(fields);
        request.ContentType = Chance(0.08) ? Pick(ContentTypes) : Chance(0.5) ? "application/json" : "application/json; charset=utf-8";
    }

    /// <summary>
    /// A CSV upload: a file whose header and cells are plausible (lead fields, a column nobody maps) with mutations
    /// (odd strings, broken quoting, ragged rows, invalid UTF-8, a BOM, no rows), sent as text/csv or as a multipart
    /// file part, or a broken envelope (no boundary, truncated or malformed multipart, a form without a file).
    /// </summary>
    private void AddCsvBody(FuzzedRequest request)
    {
        var csv = CsvFile();
        var roll = random.NextDouble();
        if (roll < 0.5)
        {
            request.Body = csv;
            request.ContentType = Pick(["text/csv", "text/csv; charset=utf-8", "application/csv", "text/csv; charset=latin1", "text/csv; boundary=x"]);
            return;
        }

        if (roll < 0.85)
        {
            const string boundary = "fuzz-boundary-7d3f";
            var disposition = Pick([
                "form-data; name=\"file\"; filename=\"leads.csv\"", "form-data; name=\"file\"; filename*=UTF-8''l%C3%A9ads.csv",
                "form-data; name=\"file\"; filename=\"../../etc/passwd\"", "form-data; name=\"file\"", "form-data; filename=\"\"",
                "attachment; filename=\"x.csv\"", "form-data; name=\"file\"; filename=\"a\u0000b.csv\"", "garbage",
            ]);
            var head = Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: text/csv\r\n\r\n");
            var tail = Encoding.UTF8.GetBytes($"\r\n--{boundary}--\r\n");
            byte[] body = Pick([0, 1, 2, 3, 4, 5, 6, 7]) switch
            {
                0 => [.. head, .. csv], // truncated: no closing boundary
                1 => [.. head[..(head.Length / 2)]], // cut inside the part's headers
                2 => [.. Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: " + new string('x', 20_000) + "\r\n\r\n"), .. csv, .. tail],
                3 => [.. Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello"), .. tail],
                4 => [.. Encoding.UTF8.GetBytes("not a multipart body at all")],
                _ => [.. head, .. csv, .. tail],
            };
            request.Body = body;
            request.ContentType = Chance(0.9) ? $"multipart/form-data; boundary={boundary}" : Pick(["multipart/form-data", "multipart/form-data; boundary=\"\"", "multipart/form-data; boundary=other"]);
            return;
        }

        request.Body = Chance(0.5) ? csv : Encoding.UTF8.GetBytes(Pick(RawBodies));
        request.ContentType = Chance(0.2) ? null : Pick(ContentTypes);
    }

    private byte[] CsvFile()
    {
        string[] columns = ["name", "email", "company", "phone", "status", "source", "score", "notes", "campaign_id", "Nickname", "NAME", ""];
        var header = Enumerable.Range(0, random.Next(1, 6)).Select(_ => Pick(columns)).Prepend("name").Distinct().ToList();
        if (Chance(0.1))
        {
            header.RemoveAt(0); // no name column
        }

        var lines = new List<byte[]> { Encoding.UTF8.GetBytes(string.Join(',', header.Select(Cell))) };
        var rows = Chance(0.1) ? 0 : random.Next(1, 6);
        for (var r = 0; r < rows; r++)
        {
            var count = Chance(0.1) ? header.Count + random.Next(-1, 3) : header.Count;
            var cells = Enumerable.Range(0, Math.Max(0, count)).Select(c => Cell(CsvValue(c < header.Count ? header[c] : "extra")));
            lines.Add(Encoding.UTF8.GetBytes(string.Join(',', cells)));
        }

        if (Chance(0.15))
        {
            var at = random.Next(lines.Count);
            lines[at] = Pick(new byte[][]
            {
                [.. lines[at], 0xFF, 0xFE], [.. lines[at], 0xC3, 0x28], [.. lines[at], 0xED, 0xA0, 0x80], [.. lines[at], 0xC0, 0xAF],
                [.. lines[at], .. "\"unterminated"u8], [.. "a\"b,c"u8], [.. "\"x\"y\""u8], [.. lines[at], 0x00],
            });
        }

        var separator = Chance(0.1) ? Pick(["\n", "\r", "\r\r\n"]) : "\r\n";
        var file = new List<byte>();
        if (Chance(0.1))
        {
            file.AddRange([0xEF, 0xBB, 0xBF]);
        }

        for (var i = 0; i < lines.Count; i++)
        {
            file.AddRange(lines[i]);
            if (i < lines.Count - 1 || Chance(0.7))
            {
                file.AddRange(Encoding.UTF8.GetBytes(separator));
            }
        }

        return [.. file];
    }

    private string CsvValue(string column)
    {
        if (Chance(0.35))
        {
            return Pick(StringMutations);
        }

        var n = Interlocked.Increment(ref _counter);
        return column.ToLowerInvariant() switch
        {
            "name" => $"Imported {n}",
            "email" => Chance(0.2) ? "seed-lead-0@crm.test" : $"import-{n}@crm.test",
            "status" => Pick(["new", "contacted", "qualified", "lost", "bogus"]),
            "score" => Pick(["10", "-5", "101", "1e3", "x"]),
            "campaign_id" => Pick(seeds.Campaigns),
            "phone" => "+49 30 1234567",
            _ => Pick(["=cmd|' /C calc'!A0", "+1", "@SUM(1)", $"value {n}"]),
        };
    }

    /// <summary>A CSV cell, quoted (RFC 4180) when it has to be.</summary>
    private static string Cell(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private void Mutate(List<(byte[] Key, byte[] Value)> fields)
    {
        var roll = random.NextDouble();
        if (fields.Count == 0 || roll < 0.08)
        {
            // A field nobody asked for, maybe with a broken name.
            var key = Chance(0.5) ? Json(Pick(["zz_unknown", "version", "id", "role", "__proto__", "$where", ""])) : Pick(BrokenKeys);
            fields.Add((key, Encoding.UTF8.GetBytes("1")));
            return;
        }

        var index = random.Next(fields.Count);
        var value = roll < 0.4 ? Pick(ValueMutations) : Json(Pick(StringMutations));
        if (Chance(0.1))
        {
            value = Object([(Json("email"), value), (Json("user_id"), value)]); // nested, as in participants
            value = [(byte)'[', .. value, (byte)']'];
        }

        fields[index] = (fields[index].Key, value);
    }

    /// <summary>A value that fits the field: by its name first (ids, emails, dates), else by its schema.</summary>
    private object? Valid(string name, JsonElement schema, int depth)
    {
        var resolved = Resolve(schema);
        if (EnumValues(resolved) is { Count: > 0 } values)
        {
            return Pick(values);
        }

        var type = TypeOf(resolved);
        var n = Interlocked.Increment(ref _counter);
        switch (name)
        {
            case "email":
                return $"fuzz-{n}@crm.test";
            case "password" or "current_password" or "new_password":
                return $"fuzz-password-{n}-long";
            case "date":
                return $"2027-{random.Next(1, 13):00}-{random.Next(1, 28):00}T{random.Next(8, 18):00}:00:00Z";
            case "end":
                return null;
            case "start_date":
                return "2027-01-01";
            case "end_date":
                return "2027-06-30";
            case "time_zone":
                return Pick(["Europe/Berlin", "America/New_York", "UTC"]);
            case "meeting_url":
                return "https://meet.example.com/fuzz";
            case "url":
                return Pick(["http://127.0.0.1:9/fuzz-hook", "https://hooks.example.com/fuzz"]);
            case "events":
                return Pick(new[] { new[] { "lead.created" }, ["ticket.*"], ["*"], ["campaign.created", "meeting.updated"] });
            case "lead_id":
                return Pick(seeds.Leads);
            case "ticket_id":
                return Pick(seeds.Tickets);
            case "campaign_id":
                return Pick(seeds.Campaigns);
            case "owner_id" or "assignee_id":
                return seeds.AgentId;
            case "requester_id" or "user_id":
                return seeds.ClientId;
            case "participants":
                return new object[] { new Dictionary<string, string> { ["user_id"] = seeds.ClientId } };
            case "tags":
                return new[] { "fuzz", "vip" };
            case "duration_minutes":
                return 30;
        }

        switch (type)
        {
            case "integer":
                return random.Next(0, 50);
            case "number":
                return 12.5;
            case "boolean":
                return Chance(0.5);
            case "array" when depth < 2 && resolved.TryGetProperty("items", out var items):
                return Enumerable.Range(0, random.Next(0, 3)).Select(_ => Valid(name, items, depth + 1)).ToList();
            case "object" when depth < 2 && resolved.TryGetProperty("properties", out var properties):
                return properties.EnumerateObject().ToDictionary(p => p.Name, p => Valid(p.Name, p.Value, depth + 1));
            case "string":
                return $"fuzz {name} {n}";
            default:
                return null;
        }
    }

    private JsonElement Resolve(JsonElement schema)
    {
        for (var hops = 0; hops < 10 && schema.ValueKind == JsonValueKind.Object; hops++)
        {
            if (schema.TryGetProperty("$ref", out var reference))
            {
                var name = reference.GetString()!.Split('/')[^1];
                schema = document.GetProperty("components").GetProperty("schemas").GetProperty(name);
                continue;
            }

            var alternative = new[] { "oneOf", "anyOf", "allOf" }
                .Select(k => schema.TryGetProperty(k, out var options) ? options.EnumerateArray().FirstOrDefault(o => TypeOf(o) != "null") : default)
                .FirstOrDefault(o => o.ValueKind == JsonValueKind.Object);
            if (alternative.ValueKind != JsonValueKind.Object)
            {
                break;
            }

            schema = alternative;
        }

        return schema;
    }

    private static string? TypeOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (schema.TryGetProperty("type", out var type))
        {
            return type.ValueKind == JsonValueKind.Array
                ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null")
                : type.GetString();
        }

        return schema.TryGetProperty("properties", out _) ? "object" : schema.TryGetProperty("$ref", out _) ? "object" : null;
    }

    private static List<string> EnumValues(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("enum", out var values)
            ? [.. values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];

    private static byte[] Json(string text) => JsonSerializer.SerializeToUtf8Bytes(text);

    private static byte[] Object(List<(byte[] Key, byte[] Value)> fields)
    {
        var body = new List<byte> { (byte)'{' };
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                body.Add((byte)',');
            }

            body.AddRange(fields[i].Key);
            body.Add((byte)':');
            body.AddRange(fields[i].Value);
        }

        body.Add((byte)'}');
        return [.. body];
    }

    private bool Chance(double p) => random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
