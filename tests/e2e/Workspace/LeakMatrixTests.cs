using System.Globalization;
using System.Net;
using System.Text;
using AuditPortal.Portal;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Timeline;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Verification.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace AuditPortal.Tests.E2e.Workspace;

/// <summary>
/// The leak matrix (issue 14): a seeded ledger whose personal values the test knows (it decrypts them with the
/// keystore, as the superuser), every surface of the portal that can show ledger data — pages (prerendered, the
/// HTML a circuit starts from), the JSON API, a download, the case pages — for every kind of caller, searched for
/// every clear personal value (HTML- and JSON-escaped too) and every envelope's ciphertext. Only the cells a live
/// grant covers may hold the granted subject's values; nothing else may hold any. The access log and the workspace
/// tables are searched too. The matrix is printed (test output and var/test-results/leak-matrix.txt).
/// Open circuits re-masking at once is the browser test's (TimelineBrowserTests); expiry here runs on a FakeTimeProvider.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class LeakMatrixTests(LedgerDatabasesFixture databases, ITestOutputHelper output) : IDisposable
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private GatewayPortalFactory? factory;

    private GatewayPortalFactory Factory => factory ??= new GatewayPortalFactory(databases) { Time = clock };

    public void Dispose() => factory?.Dispose();

    [Fact]
    public async Task EveryPageDownloadAndEndpoint_ForEveryCaller_LeaksNothingButTheLiveGrantsCells()
    {
        var (granted, other) = await LeakSearch.TwoStreamsAsync(databases);
        var secrets = await LeakSearch.SecretsAsync(databases, [granted.Stream, other.Stream]);
        var ciphertexts = await LeakSearch.CiphertextsAsync(databases, [granted.Stream, other.Stream]);
        var grantedSubject = granted.Subject;
        secrets.ShouldContain(s => s.Subject == grantedSubject, "the granted stream has decryptable personal values");
        secrets.ShouldContain(s => s.Subject != grantedSubject, "values outside the grant exist");

        var investigation = new Investigation(Factory);
        string U(string name) => name + "-" + Guid.NewGuid().ToString("N")[..6];
        var (live, fromB, none, expired, revoked) = (U("live"), U("fromb"), U("nogrant"), U("expired"), U("revoked"));
        var caseLive = await investigation.OpenCaseAsync(live);
        var caseA = await investigation.OpenCaseAsync(fromB);
        var caseB = await investigation.OpenCaseAsync(fromB, "Other case");
        var caseNone = await investigation.OpenCaseAsync(none);
        var caseExpired = await investigation.OpenCaseAsync(expired);
        var caseRevoked = await investigation.OpenCaseAsync(revoked);
        async Task<Guid> GrantAsync(string user, Guid caseId)
        {
            var result = await investigation.GrantAsync(Investigation.Principal(user, PortalRoles.Investigator), caseId, granted.Stream, grantedSubject);
            result.IsOk.ShouldBeTrue(result.Message);
            return result.Value!.Id;
        }
        await GrantAsync(live, caseLive);
        await GrantAsync(fromB, caseA);
        await GrantAsync(expired, caseExpired);
        var toRevoke = await GrantAsync(revoked, caseRevoked);
        (await investigation.RevokeAsync(Investigation.Principal(revoked, PortalRoles.Investigator), caseRevoked, toRevoke)).IsOk.ShouldBeTrue();
        // Every investigator's case stars the granted subject's event and the other subject's: the "starred pdf" cell exports both streams.
        foreach (var (user, caseId) in new[] { (live, caseLive), (fromB, caseB), (none, caseNone), (expired, caseExpired), (revoked, caseRevoked) })
        {
            await StarAsync(user, caseId, granted.Stream, granted.StreamSeq);
            await StarAsync(user, caseId, other.Stream, other.StreamSeq);
        }

        var surfaces = Surfaces(granted, other);
        var identities = new List<(string Name, string Caller, string? User, Guid? Case)>
        {
            ("anonymous", "anonymous", null, null),
            ("norole", "norole", null, null),
            ("auditor", "auditor", null, null),
            ("admin", "admin", null, null),
            ("investigator, no grant", "investigator", none, caseNone),
            ("grant in A, from B", "investigator", fromB, caseB),
            ("live grant", "investigator", live, caseLive),
            ("revoked grant", "investigator", revoked, caseRevoked),
            ("expired grant", "investigator", expired, caseExpired),
        };
        var cells = new Dictionary<(string Identity, string Surface), (int Granted, int Other, int Ciphertext, HttpStatusCode Status)>();
        foreach (var identity in identities)
        {
            if (identity.Name == "expired grant")
                clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1)); // every grant above lasted the default hour
            using var client = investigation.ClientIn(identity.Caller, identity.User ?? TestCallers.For(identity.Caller)?.User ?? "nobody", identity.Case);
            foreach (var (surface, url) in surfaces)
            {
                if (url is PdfSurface or StarredPdfSurface)
                {
                    var scope = url == PdfSurface ? Evidence.CaseExports.Whole(granted.Stream) : AuditPortal.Portal.Evidence.ExportScope.Starred;
                    var (pdfText, pdfStatus) = await ExportedPdfTextAsync(identity.Caller, identity.User, identity.Case, scope, client);
                    cells[(identity.Name, surface)] = (
                        LeakSearch.Count(pdfText, secrets.Where(s => s.Subject == grantedSubject).Select(s => Evidence.Poppler.Collapse(s.Value))),
                        LeakSearch.Count(pdfText, secrets.Where(s => s.Subject != grantedSubject).Select(s => Evidence.Poppler.Collapse(s.Value))),
                        LeakSearch.Count(pdfText, ciphertexts),
                        pdfStatus);
                    continue;
                }
                var path = url == CaseSurface ? PortalUrls.Case(identity.Case ?? Guid.Empty) : url;
                using var response = await client.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                cells[(identity.Name, surface)] = (
                    LeakSearch.Count(body, secrets.Where(s => s.Subject == grantedSubject).Select(s => s.Value)),
                    LeakSearch.Count(body, secrets.Where(s => s.Subject != grantedSubject).Select(s => s.Value)),
                    LeakSearch.Count(body, ciphertexts),
                    response.StatusCode);
            }
        }

        var matrix = Print(identities.Select(i => i.Name).ToList(), surfaces.Select(s => s.Name).ToList(), cells);
        output.WriteLine(matrix);
        var resultsDirectory = Path.Combine(AuditPortal.Tests.E2e.Portal.DevOidcProcess.RepositoryRoot(), "var", "test-results");
        Directory.CreateDirectory(resultsDirectory);
        await File.WriteAllTextAsync(Path.Combine(resultsDirectory, "leak-matrix.txt"), matrix);

        var allowed = new HashSet<(string, string)>
        {
            ("live grant", "timeline"), ("live grant", "as-of"), ("live grant", "diff"), ("live grant", "json api"), ("live grant", "evidence pdf"),
            ("live grant", "starred pdf"),
        };
        foreach (var ((identity, surface), cell) in cells)
        {
            cell.Other.ShouldBe(0, $"{identity} × {surface}: values outside every grant");
            cell.Ciphertext.ShouldBe(0, $"{identity} × {surface}: ciphertext");
            if (!allowed.Contains((identity, surface)))
                cell.Granted.ShouldBe(0, $"{identity} × {surface}: the granted subject's values outside the live grant's cells\n{matrix}");
        }
        // The detector fires: the live grant's timeline and JSON cells do hold the values.
        cells[("live grant", "timeline")].Granted.ShouldBeGreaterThan(0, matrix);
        cells[("live grant", "json api")].Granted.ShouldBeGreaterThan(0, matrix);
        cells[("live grant", "evidence pdf")].Granted.ShouldBeGreaterThan(0, matrix);
        cells[("live grant", "starred pdf")].Granted.ShouldBeGreaterThan(0, matrix);
        cells[("live grant", "as-of")].Status.ShouldBe(HttpStatusCode.OK, matrix);
        cells[("live grant", "diff")].Status.ShouldBe(HttpStatusCode.OK, matrix);

        // No clear personal value in any access-log entry or any workspace row.
        var accessLog = await DumpAsync(databases.Primary(databases.PortalDb), "SELECT coalesce(string_agg(payload, E'\\n'), '') FROM ledger.events");
        var workspace = await DumpAsync(databases.Primary(databases.PortalDb), """
            SELECT concat_ws(E'\n',
              (SELECT string_agg(row_to_json(c)::text, E'\n') FROM workspace.cases c),
              (SELECT string_agg(row_to_json(m)::text, E'\n') FROM workspace.case_members m),
              (SELECT string_agg(row_to_json(g)::text, E'\n') FROM workspace.unmask_grants g),
              (SELECT string_agg(row_to_json(a)::text, E'\n') FROM workspace.annotations a),
              (SELECT string_agg(row_to_json(v)::text, E'\n') FROM workspace.saved_views v),
              (SELECT string_agg(row_to_json(k)::text, E'\n') FROM workspace.known_users k))
            """);
        LeakSearch.Count(accessLog, secrets.Select(s => s.Value)).ShouldBe(0, "clear personal values in the access log");
        LeakSearch.Count(workspace, secrets.Select(s => s.Value)).ShouldBe(0, "clear personal values in the workspace");
        workspace.ShouldContain(grantedSubject, customMessage: "the dump holds the grant rows (the search looked at them)");
    }

    private const string CaseSurface = "(case page)";
    private const string PdfSurface = "(evidence pdf)";
    private const string StarredPdfSurface = "(starred pdf)";

    /// <summary>Stars the event at <paramref name="streamSeq"/> of <paramref name="stream"/> in the case, as its investigator.</summary>
    private async Task StarAsync(string user, Guid caseId, StreamKey stream, long streamSeq)
    {
        await using var connection = new NpgsqlConnection(databases.Primary(databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT event_id FROM ledger.events WHERE stream_type = $1 AND stream_id = $2 AND stream_seq = $3", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = stream.Type });
        cmd.Parameters.Add(new NpgsqlParameter { Value = stream.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamSeq });
        var eventId = (Guid)(await cmd.ExecuteScalarAsync())!;
        using var scope = Factory.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<AuditPortal.Portal.Workspace.AnnotationService>().SetAsync(
            Investigation.Principal(user, PortalRoles.Investigator), caseId,
            new AuditPortal.Portal.Workspace.AnnotationInput(eventId, stream.Type, stream.Id, streamSeq, true, null, null), CancellationToken.None);
        result.IsOk.ShouldBeTrue(result.Message);
    }

    /// <summary>
    /// The "evidence pdf" and "starred pdf" cells: an investigator exports the granted stream (or the case's starred events,
    /// one of the granted subject and one of another, in two streams) in their case through the portal's job and
    /// downloads it; the cell is the PDF's text (pdftotext). Every other caller is refused before anything runs (403).
    /// </summary>
    private async Task<(string Text, HttpStatusCode Status)> ExportedPdfTextAsync(string caller, string? user, Guid? caseId,
        AuditPortal.Portal.Evidence.ExportScope scope, HttpClient client)
    {
        var exports = new Evidence.CaseExports(Factory);
        var who = TestCallers.For(caller);
        var principal = who is null ? new System.Security.Claims.ClaimsPrincipal()
            : Investigation.Principal(user ?? who.Value.User, who.Value.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries));
        if (caller != "investigator")
        {
            var (refused, problem) = await exports.StartAsync(principal, caseId, scope);
            refused.ShouldBeNull();
            problem.ShouldNotBeNull();
            return ("", HttpStatusCode.Forbidden);
        }
        var job = await exports.RunAsync(principal, caseId!.Value, scope);
        job.Status.ShouldBe(AuditPortal.Portal.Evidence.ExportJobStatus.Done, job.Message);
        using var response = await client.GetAsync(AuditPortal.Portal.Evidence.EvidenceDownloads.Path(job.ExportId!));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await Evidence.Poppler.TextAsync(await response.Content.ReadAsByteArrayAsync()), response.StatusCode);
    }

    private List<(string Name, string Url)> Surfaces(StreamRef granted, StreamRef other)
    {
        var (t, i) = (granted.Stream.Type, granted.Stream.Id);
        // Whole seconds, a second ago: the pages refuse points after their own "now".
        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(-1);
        var early = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return
        [
            ("dashboard", PortalUrls.Home),
            ("search", PortalUrls.Timeline + "?type=" + Uri.EscapeDataString(t) + "&id=" + Uri.EscapeDataString(i)),
            ("timeline", PortalUrls.TimelineEvent(t, i, granted.StreamSeq).Split('#')[0]),
            ("as-of", PortalUrls.AsOf(t, i, now, now)),
            ("diff", PortalUrls.Diff(t, i, new AsOfPoint(early, now), new AsOfPoint(now, now))),
            ("json api", PortalUrls.StreamEvents(t, i) + "?limit=500"),
            ("other timeline", PortalUrls.TimelineEvent(other.Stream.Type, other.Stream.Id, other.StreamSeq).Split('#')[0]),
            ("other json api", PortalUrls.StreamEvents(other.Stream.Type, other.Stream.Id) + "?limit=500"),
            ("proof download", PortalUrls.InclusionProofJson(1, LedgerDatabasesFixture.EventCount)),
            ("cases", PortalUrls.Cases),
            ("case page", CaseSurface),
            ("evidence pdf", PdfSurface),
            ("starred pdf", StarredPdfSurface),
            ("access log", PortalUrls.AccessLog),
            ("access-log csv", PortalUrls.AccessLogExportCsv),
        ];
    }

    private static async Task<string> DumpAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>surfaces × identities; each cell "granted/other/ciphertext status" (leak counts and the HTTP status).</summary>
    private static string Print(IReadOnlyList<string> identities, IReadOnlyList<string> surfaces,
        Dictionary<(string Identity, string Surface), (int Granted, int Other, int Ciphertext, HttpStatusCode Status)> cells)
    {
        var text = new StringBuilder();
        text.AppendLine("Leak matrix: cell = granted-subject values / other personal values / ciphertexts, HTTP status");
        const int first = 16, width = 14;
        text.Append("surface".PadRight(first));
        foreach (var identity in identities)
            text.Append(' ').Append((identity.Length > width ? identity[..width] : identity).PadRight(width));
        text.AppendLine();
        foreach (var surface in surfaces)
        {
            text.Append(surface.PadRight(first));
            foreach (var identity in identities)
            {
                var c = cells[(identity, surface)];
                text.Append(' ').Append($"{c.Granted}/{c.Other}/{c.Ciphertext} {(int)c.Status}".PadRight(width));
            }
            text.AppendLine();
        }
        return text.ToString();
    }
}
