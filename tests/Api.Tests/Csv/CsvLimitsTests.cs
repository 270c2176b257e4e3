using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CrmChatbot.Storage.Queries;
using Microsoft.Extensions.DependencyInjection;

namespace CrmChatbot.Api.Tests.Csv;

/// <summary>The service with IMPORT_MAX_MB=1 and a recorder of every list query the store runs.</summary>
public sealed class CsvLimitsFixture : IAsyncLifetime
{
    public CrmApiFactory Factory { get; } = new();

    public ConcurrentQueue<(string Collection, DocumentQuery Query, int Returned)> Queries { get; } = new();

    public string AdminToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Factory.Settings["IMPORT_MAX_MB"] = "1";
        Factory.TestServices = services =>
        {
            var store = services.Last(d => d.ServiceType == typeof(IDocumentQueries));
            services.Remove(store);
            services.AddSingleton<IDocumentQueries>(sp => new RecordingQueries(
                (IDocumentQueries)ActivatorUtilities.CreateInstance(sp, store.ImplementationType!), Queries));
        };
        AdminToken = await Factory.AdminTokenAsync();
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }

    private sealed class RecordingQueries(IDocumentQueries inner, ConcurrentQueue<(string, DocumentQuery, int)> log) : IDocumentQueries
    {
        public async Task<DocumentPage<TState>> QueryAsync<TState>(string collection, DocumentQuery query, CancellationToken cancellationToken = default)
            where TState : class, new()
        {
            var page = await inner.QueryAsync<TState>(collection, query, cancellationToken);
            log.Enqueue((collection, query, page.Items.Count));
            return page;
        }

        public Task<StoredDocument<TState>?> FindOneAsync<TState>(string collection, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default)
            where TState : class, new() => inner.FindOneAsync<TState>(collection, filters, cancellationToken);

        public Task<long> CountAsync(string collection, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default) =>
            inner.CountAsync(collection, filters, cancellationToken);
    }
}

public sealed class CsvLimitsTests(CsvLimitsFixture fixture) : IClassFixture<CsvLimitsFixture>
{
    [Fact]
    public async Task An_upload_over_IMPORT_MAX_MB_is_413_and_starts_nothing()
    {
        using var admin = fixture.Factory.ClientWithToken(fixture.AdminToken);
        var t = "big" + Guid.NewGuid().ToString("N")[..8];
        var text = new StringBuilder("name,company\r\n");
        while (text.Length <= 1024 * 1024 + 10)
        {
            text.Append($"A lead with a rather long name to fill the file,{t}\r\n");
        }

        var content = new StringContent(text.ToString(), Encoding.UTF8, "text/csv");
        var problem = await ProblemAssert.IsProblemAsync(await admin.PostAsync("/api/leads/import", content), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("IMPORT_MAX_MB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text.ToString()));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "big.csv");
        await ProblemAssert.IsProblemAsync(await admin.PostAsync("/api/leads/import", form), HttpStatusCode.RequestEntityTooLarge);

        var leads = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/leads?q={t}"), HttpStatusCode.OK);
        Assert.Equal(0, leads.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task An_export_reads_the_store_a_page_at_a_time_with_keyset_paging_never_the_whole_list()
    {
        using var admin = fixture.Factory.ClientWithToken(fixture.AdminToken);
        var t = "walk" + Guid.NewGuid().ToString("N")[..8];
        const int leads = 1_050;
        var csv = new StringBuilder("name,company\r\n");
        for (var i = 0; i < leads; i++)
        {
            csv.Append($"Walker {i:D4},{t}\r\n");
        }

        var job = await LeadImportTests.ImportAsync(admin, LeadImportTests.Csv(csv.ToString()));
        Assert.Equal(leads, job.GetProperty("created").GetInt32());

        fixture.Queries.Clear();
        var export = await admin.GetStringAsync($"/api/leads/export?q={t}&sort=name");

        var rows = export.Split("\r\n").Skip(1).Where(l => l.Length > 0).ToList();
        Assert.Equal(leads, rows.Count);
        Assert.Equal(Enumerable.Range(0, leads).Select(i => $"Walker {i:D4}"), rows.Select(r => r.Split(',')[1]));
        var walk = fixture.Queries.Where(q => q.Collection == "leads").ToList();
        Assert.Equal([500, 500, 50], walk.Select(q => q.Returned));
        Assert.All(walk, q => Assert.Equal((500, 0, false), (q.Query.Limit, q.Query.Offset, q.Query.CountTotal)));
        Assert.Null(walk[0].Query.After);
        Assert.All(walk.Skip(1), q => Assert.NotNull(q.Query.After));
    }
}
