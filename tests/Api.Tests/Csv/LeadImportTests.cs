using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmChatbot.Imports;

namespace CrmChatbot.Api.Tests.Csv;

/// <summary>CSV import and export of leads over HTTP, on both stores.</summary>
public abstract class LeadImportTests(ApiFixture fixture)
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>A CSV body: UTF-8 with a byte order mark, CRLF line ends.</summary>
    internal static ByteArrayContent Csv(string text, bool bom = true)
    {
        var bytes = Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
        var content = new ByteArrayContent(bom ? [.. Bom, .. bytes] : bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return content;
    }

    /// <summary>Uploads and follows the import until it completes (polling its progress, bounded).</summary>
    internal static async Task<JsonElement> ImportAsync(HttpClient http, HttpContent content, string query = "")
    {
        var started = await ProblemAssert.JsonAsync(await http.PostAsync("/api/leads/import" + query, content), HttpStatusCode.Accepted);
        var id = started.GetProperty("id").GetString();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var job = await ProblemAssert.JsonAsync(await http.GetAsync($"/api/imports/{id}?limit=200"), HttpStatusCode.OK);
            if (job.GetProperty("status").GetString() == "completed")
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"import {id} did not complete: {job}");
            await Task.Delay(50);
        }
    }

    private static JsonElement Row(JsonElement job, int row) =>
        job.GetProperty("results").GetProperty("items").EnumerateArray().Single(r => r.GetProperty("row").GetInt32() == row);

    private static string Token() => "tok" + Guid.NewGuid().ToString("N")[..10];

    private static string MixedFile(string t, string existingEmail) => $""""
        name,email,phone,company,notes,status,unknown column
        "Lovelace, Ada",ada-{t}@example.com,,{t} Engines,"line one
        line two, with ""quotes""",qualified,x
        Existing,{existingEmail},,{t},,,
        Ada again,ADA-{t}@EXAMPLE.COM,,{t},,,
        Bad Email,not-an-email,,{t},,,
        ,nameless-{t}@example.com,,{t},,,
        Bad Status,status-{t}@example.com,,{t},,bogus,
        Too many,many-{t}@example.com,,{t},,,,extra
        "=HYPERLINK(""x"")",formula-{t}@example.com,+1 555 {Random.Shared.Next(1000000, 9999999)},{t},,,
        """";

    [Fact]
    public async Task Import_reports_created_duplicate_and_invalid_rows_of_a_file_with_quotes_newlines_bom_and_crlf()
    {
        using var agent = fixture.Agent();
        var t = Token();
        var existing = await ProblemAssert.JsonAsync(
            await agent.PostAsJsonAsync("/api/leads", new { name = "Already here", email = $"pre-{t}@example.com" }), HttpStatusCode.Created);

        var job = await ImportAsync(agent, Csv(MixedFile(t, $"pre-{t}@example.com")));

        var id = job.GetProperty("id").GetString()!;
        Assert.Equal((8, 8, 2, 0, 2, 4), (job.GetProperty("rows_total").GetInt32(), job.GetProperty("rows_done").GetInt32(),
            job.GetProperty("created").GetInt32(), job.GetProperty("updated").GetInt32(), job.GetProperty("duplicates").GetInt32(),
            job.GetProperty("invalid").GetInt32()));
        var first = Row(job, 1);
        Assert.Equal("created", first.GetProperty("outcome").GetString());
        Assert.Equal(ImportNames.LeadId(id, 1), first.GetProperty("lead_id").GetString());
        var lead = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads/{ImportNames.LeadId(id, 1)}"), HttpStatusCode.OK);
        Assert.Equal("Lovelace, Ada", lead.GetProperty("name").GetString());
        Assert.Equal("line one\r\nline two, with \"quotes\"", lead.GetProperty("notes").GetString());
        Assert.Equal("qualified", lead.GetProperty("status").GetString());
        Assert.Equal(fixture.AgentId, lead.GetProperty("owner_id").GetString());

        Assert.Equal(("duplicate", existing.GetProperty("id").GetString(), "email"),
            (Row(job, 2).GetProperty("outcome").GetString(), Row(job, 2).GetProperty("duplicate_of").GetString(), Row(job, 2).GetProperty("field").GetString()));
        Assert.Equal(("duplicate", ImportNames.LeadId(id, 1)), (Row(job, 3).GetProperty("outcome").GetString(), Row(job, 3).GetProperty("duplicate_of").GetString()));
        foreach (var (row, field) in new[] { (4, "email"), (5, "name"), (6, "status"), (7, "row") })
        {
            Assert.Equal("invalid", Row(job, row).GetProperty("outcome").GetString());
            Assert.Equal(field, Row(job, row).GetProperty("field").GetString());
            Assert.NotEmpty(Row(job, row).GetProperty("errors").GetProperty(field).EnumerateArray());
        }

        Assert.Equal("=HYPERLINK(\"x\")", (await ProblemAssert.JsonAsync(
            await agent.GetAsync($"/api/leads/{ImportNames.LeadId(id, 8)}"), HttpStatusCode.OK)).GetProperty("name").GetString());
        Assert.Equal(2, (await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?q={t}&limit=200"), HttpStatusCode.OK))
            .GetProperty("total").GetInt32() - 1); // the two created, and the lead that was there
        Assert.Equal(["unknown column"], job.GetProperty("ignored_columns").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task A_dry_run_reports_what_would_happen_and_changes_nothing()
    {
        using var agent = fixture.Agent();
        var t = Token();
        var existing = await ProblemAssert.JsonAsync(
            await agent.PostAsJsonAsync("/api/leads", new { name = "Already here", email = $"pre-{t}@example.com" }), HttpStatusCode.Created);

        var job = await ImportAsync(agent, Csv(MixedFile(t, $"pre-{t}@example.com")), "?dry_run=true&on_duplicate=update");

        Assert.True(job.GetProperty("dry_run").GetBoolean());
        Assert.Equal("created", Row(job, 1).GetProperty("outcome").GetString());
        Assert.Equal(("updated", existing.GetProperty("id").GetString()), (Row(job, 2).GetProperty("outcome").GetString(), Row(job, 2).GetProperty("lead_id").GetString()));
        Assert.Equal(1, Row(job, 3).GetProperty("duplicate_of_row").GetInt32());
        Assert.Equal("invalid", Row(job, 4).GetProperty("outcome").GetString());
        var leads = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?q={t}"), HttpStatusCode.OK);
        Assert.Equal([existing.GetProperty("id").GetString()], leads.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("id").GetString()));
        Assert.Equal(existing.ToString(), (await ProblemAssert.JsonAsync(
            await agent.GetAsync($"/api/leads/{existing.GetProperty("id").GetString()}"), HttpStatusCode.OK)).ToString());

        // Nothing was claimed either: the same email can still be used.
        await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync("/api/leads", new { name = "Ada", email = $"ada-{t}@example.com" }), HttpStatusCode.Created);
    }

    [Fact]
    public async Task On_duplicate_update_changes_the_existing_lead_and_create_duplicate_keeps_both()
    {
        using var agent = fixture.Agent();
        var t = Token();
        var existing = await ProblemAssert.JsonAsync(
            await agent.PostAsJsonAsync("/api/leads", new { name = "Old name", email = $"dup-{t}@example.com", company = "Keep" }), HttpStatusCode.Created);
        var existingId = existing.GetProperty("id").GetString();

        var updated = await ImportAsync(agent, Csv($"name,email,company,notes\nNew name,DUP-{t}@example.com,,imported {t}\n"), "?on_duplicate=update");
        var created = await ImportAsync(agent, Csv($"name,email\nSecond,dup-{t}@example.com\n"), "?on_duplicate=create_duplicate");

        Assert.Equal(("updated", existingId), (Row(updated, 1).GetProperty("outcome").GetString(), Row(updated, 1).GetProperty("lead_id").GetString()));
        var lead = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads/{existingId}"), HttpStatusCode.OK);
        Assert.Equal(("New name", "Keep", $"imported {t}"),
            (lead.GetProperty("name").GetString(), lead.GetProperty("company").GetString(), lead.GetProperty("notes").GetString()));
        Assert.Equal("created", Row(created, 1).GetProperty("outcome").GetString());
        Assert.NotEqual(existingId, Row(created, 1).GetProperty("lead_id").GetString());
    }

    [Fact]
    public async Task A_multipart_file_with_a_column_mapping_imports()
    {
        using var agent = fixture.Agent();
        var t = Token();
        using var form = new MultipartFormDataContent();
        var file = Csv($"Full Name;x,E-mail,name\nGrace Hopper,grace-{t}@example.com,ignored\n", bom: false);
        form.Add(file, "file", "contacts.csv");
        var mapping = Uri.EscapeDataString("{\"Full Name;x\":\"name\",\"E-mail\":\"email\"}");

        var job = await ImportAsync(agent, form, $"?mapping={mapping}");

        Assert.Equal("contacts.csv", job.GetProperty("file_name").GetString());
        var id = Row(job, 1).GetProperty("lead_id").GetString();
        var lead = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads/{id}"), HttpStatusCode.OK);
        Assert.Equal(("Grace Hopper", $"grace-{t}@example.com"), (lead.GetProperty("name").GetString(), lead.GetProperty("email").GetString()));
    }

    [Fact]
    public async Task Bad_uploads_are_4xx_problems_naming_the_parameter_and_start_nothing()
    {
        using var agent = fixture.Agent();
        await ProblemAssert.IsProblemAsync(await agent.PostAsJsonAsync("/api/leads/import", new { name = "x" }), HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsync("/api/leads/import?on_duplicate=merge", Csv("name\nx\n")), "on_duplicate");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsync("/api/leads/import?dry_run=maybe", Csv("name\nx\n")), "dry_run");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsync("/api/leads/import?mapping=%7B%22a%22%3A%22score%22%7D", Csv("a\nx\n")), "mapping");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsync("/api/leads/import?mapping=%7B%22b%22%3A%22name%22%7D", Csv("a\nx\n")), "mapping");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsync("/api/leads/import", Csv("email\nx@example.com\n")), "file");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsync("/api/leads/import", Csv("name,email\n")), "file");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsync("/api/leads/import", Csv("name,email\n\"unterminated,x\n")), "file");
        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/imports/no-such-import"), HttpStatusCode.NotFound);

        using var client = fixture.Client();
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/leads/import", Csv("name\nx\n")), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/leads/export"), HttpStatusCode.Forbidden);
    }

    /// <summary>Found by the HTTP fuzz: broken multipart envelopes and invalid UTF-8 in a file part were 500s.</summary>
    [Theory]
    [InlineData("a part header longer than the reader's line limit")]
    [InlineData("invalid UTF-8 in the file part's header row")]
    [InlineData("a file part without the closing boundary")]
    [InlineData("a body cut inside the part's headers")]
    public async Task A_malformed_multipart_upload_is_a_problem_naming_the_file_and_starts_nothing(string malformation)
    {
        const string boundary = "b-7d3f";
        var head = Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"leads.csv\"\r\nContent-Type: text/csv\r\n\r\n");
        var tail = Encoding.UTF8.GetBytes($"\r\n--{boundary}--\r\n");
        byte[] body = malformation switch
        {
            "a part header longer than the reader's line limit" =>
                [.. Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: " + new string('x', 20_000) + "\r\n\r\nname\r\nx\r\n"), .. tail],
            "invalid UTF-8 in the file part's header row" => [.. head, .. "name,phone"u8, 0xC0, 0xAF, .. "\r\n"u8, .. tail],
            "a file part without the closing boundary" => [.. head, .. "name\r\nAda\r\n"u8],
            _ => head[..(head.Length / 2)],
        };
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");
        using var agent = fixture.Agent();

        var response = await agent.PostAsync("/api/leads/import", content);

        await ProblemAssert.NamesFieldsAsync(response, "file");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Invalid_UTF8_in_a_data_row_is_a_problem_naming_the_file_and_imports_nothing(bool multipart)
    {
        // Before: the bytes became U+FFFD replacement characters in the lead's name, and the import went ahead.
        var t = Token();
        byte[] csv = [.. Encoding.UTF8.GetBytes($"name,company\r\nAda Lovelace,{t}\r\nGrace "), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes($" Hopper,{t}\r\n")];
        HttpContent content;
        if (multipart)
        {
            var file = new ByteArrayContent(csv);
            file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            content = new MultipartFormDataContent { { file, "file", "leads.csv" } };
        }
        else
        {
            content = new ByteArrayContent(csv);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        }

        using var agent = fixture.Agent();

        var response = await agent.PostAsync("/api/leads/import", content);

        await ProblemAssert.NamesFieldsAsync(response, "file");
        var leads = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?q={t}"), HttpStatusCode.OK);
        Assert.Equal(0, leads.GetProperty("total").GetInt32());
        content.Dispose();
    }

    [Fact]
    public async Task Export_streams_rfc4180_csv_with_formulas_escaped_and_round_trips_through_import()
    {
        using var agent = fixture.Agent();
        var t = Token();
        var sources = new[]
        {
            new { name = "=SUM(A1:A9)", email = $"one-{t}@example.com", phone = "+1 555 010 1234", company = $"{t}, Inc.", notes = "two\nlines, \"quoted\"" },
            new { name = "@handle", email = $"two-{t}@example.com", phone = "-1 555 010 9999", company = t, notes = "-3 degrees" },
            new { name = "Zoë Ångström", email = $"three-{t}@example.com", phone = "", company = t, notes = "" },
        };
        foreach (var lead in sources)
        {
            await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync("/api/leads", lead), HttpStatusCode.Created);
        }

        var response = await agent.GetAsync($"/api/leads/export?q={t}&sort=name");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment; filename=\"leads-", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Bom, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        var lines = text.Split("\r\n");
        Assert.Equal("id,name,email,phone,company,status,source,score,owner_id,campaign_id,notes,lost_reason,converted_at,converted_by,created_at,updated_at,version", lines[0]);
        Assert.Contains(",\"'=SUM(A1:A9)\",", text, StringComparison.Ordinal);
        Assert.Contains(",\"'@handle\",", text, StringComparison.Ordinal);
        Assert.Contains(",\"'+1 555 010 1234\",", text, StringComparison.Ordinal);
        Assert.Contains("\"two\nlines, \"\"quoted\"\"\"", text, StringComparison.Ordinal);
        Assert.Equal("", lines[^1]); // every record ends with CRLF

        // Into a fresh import: same values, under new ids (the exported ids are not imported).
        var ids = (await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?q={t}"), HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Select(l => l.GetProperty("id").GetString()).ToList();
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await agent.DeleteAsync($"/api/leads/{id}")).StatusCode);
        }

        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var job = await ImportAsync(agent, content);
        Assert.Equal(3, job.GetProperty("created").GetInt32());
        var imported = (await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?q={t}&sort=name"), HttpStatusCode.OK)).GetProperty("items");
        var expected = sources.OrderBy(s => s.name.ToLowerInvariant(), StringComparer.Ordinal).ToList();
        Assert.Equal(3, imported.GetArrayLength());
        for (var i = 0; i < 3; i++)
        {
            var lead = imported[i];
            Assert.Equal(expected[i].name, lead.GetProperty("name").GetString());
            Assert.Equal(expected[i].email, lead.GetProperty("email").GetString());
            Assert.Equal(expected[i].company, lead.GetProperty("company").GetString());
            Assert.Equal(expected[i].notes is "" ? null : expected[i].notes, lead.GetProperty("notes").GetString());
        }
    }

    [Fact]
    public async Task Export_uses_the_list_filters_and_clients_export_only_their_own_tickets()
    {
        using var agent = fixture.Agent();
        var t = Token();
        await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync("/api/leads", new { name = $"Q {t}", status = "qualified" }), HttpStatusCode.Created);
        await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync("/api/leads", new { name = $"N {t}" }), HttpStatusCode.Created);
        var qualified = await agent.GetStringAsync($"/api/leads/export?q={t}&status=qualified");
        Assert.Equal(3, qualified.Split("\r\n").Length); // header, one lead, the final line end
        Assert.Contains($"Q {t}", qualified, StringComparison.Ordinal);
        await ProblemAssert.NamesFieldsAsync(await agent.GetAsync("/api/leads/export?status=warm"), "status");
        await ProblemAssert.NamesFieldsAsync(await agent.GetAsync("/api/tickets/export?sort=color"), "sort");

        using var client = fixture.Client();
        var mine = await ProblemAssert.JsonAsync(await client.PostAsJsonAsync("/api/tickets", new { subject = $"Mine {t}" }), HttpStatusCode.Created);
        await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync("/api/tickets", new { subject = $"Staff {t}", tags = new[] { "secret" } }), HttpStatusCode.Created);
        var clientCsv = await client.GetStringAsync($"/api/tickets/export?q={t}");
        Assert.Contains(mine.GetProperty("id").GetString()!, clientCsv, StringComparison.Ordinal);
        Assert.DoesNotContain($"Staff {t}", clientCsv, StringComparison.Ordinal);
        Assert.Empty(await ReadRowsAsync(client, $"/api/tickets/export?q={t}&requester_id={fixture.AgentId}"));
        await ProblemAssert.NamesFieldsAsync(await client.GetAsync("/api/tickets/export?tag=secret"), "tag");
        var staffCsv = await agent.GetStringAsync($"/api/tickets/export?q={t}");
        Assert.Contains($"Staff {t}", staffCsv, StringComparison.Ordinal);
        Assert.Contains("secret", staffCsv, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/meetings/export")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/campaigns/export?sort=-budget")).StatusCode);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/campaigns/export"), HttpStatusCode.Forbidden);
    }

    private static async Task<string[]> ReadRowsAsync(HttpClient http, string path) =>
        (await http.GetStringAsync(path)).Split("\r\n").Skip(1).Where(l => l.Length > 0).ToArray();
}

[Collection(SqliteApiCollection.Name)]
public sealed class LeadImportTestsOnSqlite(SqliteApiFixture fixture) : LeadImportTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class LeadImportTestsOnMongo(MongoApiFixture fixture) : LeadImportTests(fixture);
