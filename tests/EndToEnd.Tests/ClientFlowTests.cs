using CrmChatbot.Client;
using CrmChatbot.Client.Generated.Models;
using CrmChatbot.TestSupport;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>One real Silo process shared by the client-flow tests.</summary>
public sealed class ClientSiloFixture : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "crm-e2e-client-" + Guid.NewGuid().ToString("N"));

    public SiloProcess Silo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Silo = SiloProcess.Start(SiloProcess.Environment(_dataDir));
        await Silo.WaitReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public async Task<CrmClient> AdminAsync()
    {
        var client = CrmClient.Create(Silo.BaseAddress);
        await client.SignInAsync(SiloProcess.AdminEmail, SiloProcess.AdminPassword);
        return client;
    }
}

/// <summary>The main flows through the typed client (CrmChatbot.Client) against the real process.</summary>
public sealed class ClientFlowTests(ClientSiloFixture fixture) : IClassFixture<ClientSiloFixture>
{
    private static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}@client.test";

    [Fact]
    public async Task A_client_registers_signs_in_and_a_wrong_password_is_a_401_problem()
    {
        var email = NewEmail("client");
        using var registered = CrmClient.Create(fixture.Silo.BaseAddress);
        var token = await registered.RegisterAsync(email, "client-password-1", "Client One");
        Assert.Equal("bearer", token.TokenType);
        Assert.Equal(UserRole.Client, token.User!.Role);

        using var signedIn = CrmClient.Create(fixture.Silo.BaseAddress);
        await signedIn.SignInAsync(email.ToUpperInvariant(), "client-password-1");
        var me = await signedIn.Api.Api.Auth.Me.GetAsync();
        Assert.Equal(email, me!.Email);

        using var wrong = CrmClient.Create(fixture.Silo.BaseAddress);
        var problem = await Assert.ThrowsAsync<ProblemDetails>(() => wrong.SignInAsync(email, "not-the-password"));
        Assert.Equal(401, problem.ResponseStatusCode);
        Assert.Null(wrong.AccessToken);
    }

    [Fact]
    public async Task Leads_are_created_listed_updated_with_if_match_converted_and_deleted()
    {
        using var admin = await fixture.AdminAsync();
        var leads = admin.Api.Api.Leads;
        var company = "Client Flow " + Guid.NewGuid().ToString("N")[..8];

        var created = await leads.PostAsync(new CreateLeadRequest { Name = "Ada Lovelace", Email = NewEmail("ada"), Company = company, Source = LeadSource.Referral });
        Assert.Equal(LeadStatus.New, created!.Status);

        var page = await leads.GetAsync(c => c.QueryParameters.Q = company);
        Assert.Equal(created.Id, Assert.Single(page!.Items!).Id);

        var updated = await leads[created.Id].PutAsync(new UpdateLeadRequest { Status = LeadStatus.Qualified }, c => c.IfMatch(created.Version));
        Assert.Equal(LeadStatus.Qualified, updated!.Status);
        Assert.True(updated.Version > created.Version);

        // The first version is gone: a change based on it is refused and changes nothing.
        var stale = await Assert.ThrowsAsync<ProblemDetails>(() => leads[created.Id].PatchAsync(new UpdateLeadRequest { Notes = "stale" }, c => c.IfMatch(created.Version)));
        Assert.Equal(412, stale.ResponseStatusCode);
        Assert.Null((await leads[created.Id].GetAsync())!.Notes);

        var converted = await leads[created.Id].Convert.PostAsync(new ConvertLeadRequest { Notes = "Signed" }, c => c.IfMatch(updated.Version));
        Assert.Equal(LeadStatus.Converted, converted!.Status);
        Assert.NotNull(converted.ConvertedAt);

        await leads[created.Id].DeleteAsync(c => c.IfMatch(converted.Version));
        var gone = await Assert.ThrowsAsync<ProblemDetails>(() => leads[created.Id].GetAsync());
        Assert.Equal(404, gone.ResponseStatusCode);
    }

    [Fact]
    public async Task A_post_repeated_with_the_same_idempotency_key_creates_one_lead()
    {
        using var admin = await fixture.AdminAsync();
        var key = RequestHeaders.NewIdempotencyKey();
        var body = new CreateLeadRequest { Name = "Once Only", Company = "Idempotent " + key };

        var first = await admin.Api.Api.Leads.PostAsync(body, c => c.IdempotencyKey(key));
        var second = await admin.Api.Api.Leads.PostAsync(body, c => c.IdempotencyKey(key));

        Assert.Equal(first!.Id, second!.Id);
        Assert.Equal(1, (await admin.Api.Api.Leads.GetAsync(c => c.QueryParameters.Q = "Idempotent " + key))!.Total);
    }

    [Fact]
    public async Task A_client_opens_a_ticket_staff_and_client_comment_and_staff_moves_it()
    {
        using var client = CrmClient.Create(fixture.Silo.BaseAddress);
        await client.RegisterAsync(NewEmail("requester"), "client-password-1", "Requester");
        using var admin = await fixture.AdminAsync();

        var ticket = await client.Api.Api.Tickets.PostAsync(new CreateTicketRequest { Subject = "Cannot export invoices", Priority = TicketPriority.High });
        Assert.Equal(TicketStatus.Open, ticket!.Status);
        Assert.StartsWith("T-", ticket.Number, StringComparison.Ordinal);

        await admin.Api.Api.Tickets[ticket.Number].Comments.PostAsync(new TicketCommentRequest { Body = "Looking into it." });
        await admin.Api.Api.Tickets[ticket.Id].Comments.PostAsync(new TicketCommentRequest { Body = "Probably the export job.", Internal = true });
        await client.Api.Api.Tickets[ticket.Id].Comments.PostAsync(new TicketCommentRequest { Body = "Thanks!" });

        var seenByClient = await client.Api.Api.Tickets[ticket.Id].Comments.GetAsync();
        Assert.Equal(["Looking into it.", "Thanks!"], seenByClient!.Items!.Select(c => c.Body));
        var seenByStaff = await admin.Api.Api.Tickets[ticket.Id].Comments.GetAsync();
        Assert.Equal(3, seenByStaff!.Items!.Count);

        var moved = await admin.Api.Api.Tickets[ticket.Id].Status.PostAsync(new TicketStatusRequest { Status = TicketStatus.InProgress });
        Assert.Equal(TicketStatus.InProgress, moved!.Status);
        Assert.NotNull(moved.FirstResponseAt);
    }

    [Fact]
    public async Task A_visitor_chats_with_the_assistant_using_the_session_token()
    {
        using var visitor = CrmClient.Create(fixture.Silo.BaseAddress);
        var sessions = visitor.Api.Api.Chat.Sessions;

        var started = await sessions.PostAsync(new StartChatRequest { TimeZone = "Europe/Paris" });
        Assert.True(started!.Visitor);
        var token = started.SessionToken!;

        var reply = await sessions[started.Id].Messages.PostAsync(new ChatTextRequest { Text = "Hello, what can you do?" }, c => c.ChatToken(token));
        Assert.False(string.IsNullOrWhiteSpace(reply!.Reply));

        var session = await sessions[started.Id].GetAsync(c => c.ChatToken(token));
        Assert.Contains(session!.Messages!, m => m.Text == "Hello, what can you do?");
        Assert.Contains(session.Messages!, m => m.Text == reply.Reply);

        // Without its token the session does not exist for this caller.
        var hidden = await Assert.ThrowsAsync<ProblemDetails>(() => sessions[started.Id].GetAsync());
        Assert.Equal(404, hidden.ResponseStatusCode);
    }
}
