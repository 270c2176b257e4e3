namespace CrmChatbot.Api.Admin;

/// <summary>The cluster as the silo answering the request sees it (<c>GET /api/admin/cluster</c>).</summary>
/// <param name="ClusterId">The Orleans cluster id (CLUSTER_ID).</param>
/// <param name="AnsweredBy">Address of the silo that answered this request.</param>
/// <param name="ActiveSilos">Silos with status <c>active</c>.</param>
/// <param name="TotalActivations">Grain activations over the silos that reported them.</param>
/// <param name="Silos">Every silo in the membership table, dead ones included, active first.</param>
public sealed record ClusterView(
    string ClusterId, string AnsweredBy, int ActiveSilos, int TotalActivations, IReadOnlyList<SiloView> Silos);

/// <summary>One silo of the cluster.</summary>
/// <param name="Address">Orleans silo address: <c>ip:port@generation</c>.</param>
/// <param name="Status">Membership status: <c>joining</c>, <c>active</c>, <c>shutting_down</c>, <c>stopping</c>, <c>dead</c>...</param>
/// <param name="StartTime">When the silo started (UTC).</param>
/// <param name="IAmAliveTime">The silo's last liveness heartbeat in the membership table (UTC).</param>
/// <param name="HandledThisRequest">True for the silo that answered this request.</param>
/// <param name="ActivationCount">Grain activations on the silo; null if it is not active or did not answer in time.</param>
/// <param name="Grains">Activations per grain type, most first; empty when <paramref name="ActivationCount"/> is null.</param>
public sealed record SiloView(
    string Address, string? Name, string? HostName, SiloStatus Status, DateTimeOffset StartTime, DateTimeOffset IAmAliveTime,
    bool HandledThisRequest, int? ActivationCount, IReadOnlyList<GrainTypeActivations> Grains);

/// <summary>Activations of one grain type on one silo.</summary>
/// <param name="GrainType">The grain class, e.g. <c>CrmChatbot.Leads.LeadGrain</c>.</param>
public sealed record GrainTypeActivations(string GrainType, int ActivationCount);

/// <summary>The answer of <c>POST /api/admin/dashboard-session</c>.</summary>
/// <param name="DashboardUrl">Where to open the dashboard in this browser.</param>
/// <param name="ExpiresAt">When the session cookie (and the access token in it) expires.</param>
public sealed record DashboardSession(string DashboardUrl, DateTimeOffset ExpiresAt);
