using System.Security.Claims;
using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Timeline;
using AuditPortal.Portal.Workspace;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Verification.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.E2e.Workspace;

/// <summary>
/// Drives the workspace of a running portal the way its pages do (the portal's own scoped services: case,
/// grant; the page's gateway query for what a grant may cover), for users signed in by the test scheme.
/// </summary>
public sealed class Investigation(IServiceProvider services, GatewayPortalFactory? factory = null)
{
    public Investigation(GatewayPortalFactory factory) : this(factory.Services, factory)
    {
    }

    /// <summary>The principal the test scheme builds for (<paramref name="user"/>, <paramref name="roles"/>).</summary>
    public static ClaimsPrincipal Principal(string user, params string[] roles) =>
        PortalPrincipal.Create([new Claim("sub", user), new Claim("preferred_username", user), new Claim("name", user)], roles);

    public async Task<Guid> OpenCaseAsync(string owner, string title = "Leak matrix", string purpose = "Art. 6(1)(c) GDPR: check a disputed tax form")
    {
        using var scope = services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<CaseService>()
            .OpenAsync(Principal(owner, PortalRoles.Investigator), title, purpose, "T-1", CancellationToken.None);
        result.IsOk.ShouldBeTrue(result.Message);
        return result.Value!.Id;
    }

    public async Task AddMemberAsync(string owner, Guid caseId, string member, string role)
    {
        using var scope = services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<CaseService>()
            .AddMemberAsync(Principal(owner, PortalRoles.Investigator), caseId, member, member, role, CancellationToken.None);
        result.IsOk.ShouldBeTrue(result.Message);
    }

    /// <summary>
    /// As the timeline page of <paramref name="stream"/> does: load it in <paramref name="caseId"/> (one gateway
    /// query), then ask for a grant over <paramref name="subject"/> (null: the page's first subject).
    /// </summary>
    public async Task<GatewayResult<UnmaskGrant>> GrantAsync(ClaimsPrincipal user, Guid caseId, StreamKey stream, string? subject = null,
        string? field = null, string reason = "Disputed tax form: confirm the holder's identity", TimeSpan? duration = null)
    {
        var page = await PageAsync(user, caseId, stream);
        page.IsOk.ShouldBeTrue(page.Message);
        var request = new GrantRequest(subject ?? page.Redaction.FieldsBySubject.Keys.First(), field, reason, duration ?? TimeSpan.FromHours(1));
        return await GrantOnPageAsync(user, caseId, request, page.Redaction);
    }

    /// <summary>The timeline page of <paramref name="stream"/> as <paramref name="user"/> sees it in <paramref name="caseId"/> (one gateway query).</summary>
    public async Task<GatewayResult<TimelineView>> PageAsync(ClaimsPrincipal user, Guid? caseId, StreamKey stream)
    {
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<ActiveCase>().CaptureForCircuit(caseId?.ToString("D"));
        return await scope.ServiceProvider.GetRequiredService<TimelineQueries>().TimelineAsync(user, TimelineCriteria.For(stream), CancellationToken.None);
    }

    /// <summary>The grant dialog's request, as the page hands it to the grant service with what it shows.</summary>
    public async Task<GatewayResult<UnmaskGrant>> GrantOnPageAsync(ClaimsPrincipal user, Guid caseId, GrantRequest request, AuditPortal.Portal.Redaction.RedactionSummary page)
    {
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<GrantService>().GrantAsync(user, caseId, request, page, CancellationToken.None);
    }

    public async Task<GatewayResult<bool>> RevokeAsync(ClaimsPrincipal user, Guid caseId, Guid grantId)
    {
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<GrantService>().RevokeAsync(user, caseId, grantId, CancellationToken.None);
    }

    /// <summary>A client for the test caller (<c>anonymous</c>, <c>auditor</c>, …) working in <paramref name="caseId"/> (the portal-case cookie).</summary>
    public HttpClient ClientIn(string caller, string user, Guid? caseId)
    {
        var client = (factory ?? throw new InvalidOperationException("HTTP clients need the test-scheme portal")).ClientFor(caller, user);
        if (caseId is { } id)
            client.DefaultRequestHeaders.Add("Cookie", $"{ActiveCase.CookieName}={id:D}");
        return client;
    }

    /// <summary>The first stream with a personal field of a subject that is not erased (something a grant can reveal).</summary>
    public static async Task<StreamKey> EncryptedStreamAsync(LedgerDatabasesFixture databases)
    {
        await using var connection = new Npgsql.NpgsqlConnection(databases.Primary(databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            SELECT stream_type, stream_id FROM ledger.events e WHERE payload LIKE '%"enc":"A256GCM"%'
              AND NOT EXISTS (SELECT 1 FROM keystore.erasures er WHERE e.payload LIKE '%"sub":"' || er.subject_id || '"%')
            ORDER BY seq LIMIT 1
            """, connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        return new StreamKey(reader.GetString(0), reader.GetString(1));
    }
}
