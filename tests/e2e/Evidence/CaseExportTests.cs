using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Proofs;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Evidence;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Tests.E2e.Verification;
using AuditPortal.Tests.E2e.Workspace;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuditPortal.Tests.E2e.Evidence;

/// <summary>
/// Exports from a case through the portal's own services and endpoint, on the real ledger, access log and workspace
/// (docs/evidence-pdf.md "From the portal"): the background job runs to done and its file waits in the case's list; the
/// download is for the case's investigators only; a time window is a partial bundle both verifiers accept; a cancel and
/// an access-log outage leave no file and no row.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CaseExportTests(LedgerDatabasesFixture databases) : IDisposable
{
    private static readonly StreamKey Stream = new("account", "acc-000001");
    private readonly GatewayPortalFactory factory = new(databases);

    public void Dispose() => factory.Dispose();

    private static string U(string name) => name + "-" + Guid.NewGuid().ToString("N")[..6];

    private HttpClient Client(string caller, string user, Guid? caseId) => new Investigation(factory).ClientIn(caller, user, caseId);

    [Fact]
    public async Task WholeStream_JobRunsToDone_FileWaitsInTheCaseList_DownloadOnlyForTheCasesInvestigators()
    {
        var owner = U("exp-owner");
        var auditor = U("exp-auditor");
        var investigation = new Investigation(factory);
        var caseId = await investigation.OpenCaseAsync(owner, "Export case");
        await investigation.AddMemberAsync(owner, caseId, auditor, PortalRoles.Auditor);
        var user = Investigation.Principal(owner, PortalRoles.Investigator);
        var exports = new CaseExports(factory);

        var preview = await exports.PreviewAsync(user, caseId, CaseExports.Whole(Stream));
        preview.IsOk.ShouldBeTrue(preview.Message);
        preview.Value!.EventCount.ShouldBeGreaterThan(0);
        preview.Value.CheckpointSize.ShouldBeGreaterThan(0);

        var job = await exports.RunAsync(user, caseId, CaseExports.Whole(Stream));
        job.Status.ShouldBe(ExportJobStatus.Done, job.Message);
        job.Progress.ShouldBe(1);
        var exportId = job.ExportId.ShouldNotBeNull();

        // The case's list: the recorded row (done, hashes), not a second line for the job.
        using (var scope = factory.Services.CreateScope())
        {
            var lines = await scope.ServiceProvider.GetRequiredService<CaseExportService>().ListAsync(caseId, CancellationToken.None);
            var line = lines.ShouldHaveSingleItem();
            line.ExportId.ShouldBe(exportId);
            line.Status.ShouldBe(ExportJobStatus.Done);
            line.EventCount.ShouldBe(preview.Value.EventCount);
            line.CheckpointSize.ShouldBe(preview.Value.CheckpointSize);
            line.Scope.ShouldBe("stream account/acc-000001");

            using var client = Client("investigator", owner, caseId);
            using var response = await client.GetAsync(EvidenceDownloads.Path(exportId));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
            response.Headers.CacheControl!.NoStore.ShouldBeTrue();
            response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
            response.Content.Headers.ContentDisposition.FileName!.Trim('"').ShouldBe(exportId + ".pdf");
            var pdf = await response.Content.ReadAsByteArrayAsync();
            Convert.ToHexStringLower(SHA256.HashData(pdf)).ShouldBe(line.PdfSha256);
            var report = EvidencePdfVerifier.Verify(pdf, CheckpointPublicKey.FromPem(await File.ReadAllTextAsync(databases.PublicKeyPath)));
            report.Intact.ShouldBeTrue(string.Join("; ", report.Findings.Select(f => f.Check + ": " + f.Message)));
            report.BundleSha256.ShouldBe(line.BundleSha256);
            var text = await Poppler.TextAsync(pdf);
            text.ShouldContain("Export case (T-1) (case " + caseId.ToString("D") + ")");
            text.ShouldContain(owner + " (investigator)");
        }

        // Who may download: the case's investigators only; an unknown id is a 404.
        using (var stranger = Client("investigator", U("exp-stranger"), null))
        {
            using var response = await stranger.GetAsync(EvidenceDownloads.Path(exportId));
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await response.Content.ReadAsStringAsync()).ShouldContain(CaseExportAccess.NotMemberMessage);
        }
        using (var member = Client("auditor", auditor, caseId))
            (await member.GetAsync(EvidenceDownloads.Path(exportId))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using (var client = Client("investigator", owner, caseId))
        {
            using var unknown = await client.GetAsync(EvidenceDownloads.Path("exp-" + new string('0', 32)));
            unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await unknown.Content.ReadAsStringAsync()).ShouldContain("no recorded evidence export with that id");
            (await client.GetAsync(EvidenceDownloads.Path("../../etc/passwd"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        // The access log: the export's request entry with its outcome, and the download's own entry.
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND action = $2 AND payload::jsonb->>'kind' = $3",
            owner, AccessLogEvents.RequestedAction, AuditPortal.Evidence.EvidencePdfExporter.Kind)).ShouldBe(1);
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND action = $2 AND payload::jsonb->>'kind' = $3",
            owner, AccessLogEvents.RequestedAction, EvidenceKinds.Download.Name)).ShouldBe(1);
        (await databases.CountAsync("SELECT count(*) FROM workspace.evidence_export_files f JOIN workspace.evidence_exports e ON e.id = f.export_row_id WHERE e.case_id = $1",
            caseId)).ShouldBe(1);
    }

    [Fact]
    public async Task TimeWindow_IsAPartialBundle_ThatBothOfflineVerifiersAccept_AndTheCoverSaysSo()
    {
        var owner = U("exp-window");
        var caseId = await new Investigation(factory).OpenCaseAsync(owner, "Window case");
        var user = Investigation.Principal(owner, PortalRoles.Investigator);
        var occurred = await OccurredAsync(Stream);
        occurred.Count.ShouldBeGreaterThanOrEqualTo(3, "the stream has events to cut a window from");
        var window = new StreamWindow(occurred[1], occurred[^1]);
        var scope = new ExportScope(Stream, window);
        var exports = new CaseExports(factory);

        var whole = (await exports.PreviewAsync(user, caseId, CaseExports.Whole(Stream))).Value!;
        var preview = (await exports.PreviewAsync(user, caseId, scope)).Value!;
        preview.EventCount.ShouldBeGreaterThan(0);
        preview.EventCount.ShouldBeLessThan(whole.EventCount);

        var job = await exports.RunAsync(user, caseId, scope);
        job.Status.ShouldBe(ExportJobStatus.Done, job.Message);
        using var client = Client("investigator", owner, caseId);
        var pdf = await client.GetByteArrayAsync(EvidenceDownloads.Path(job.ExportId!));

        var key = CheckpointPublicKey.FromPem(await File.ReadAllTextAsync(databases.PublicKeyPath));
        EvidencePdfVerifier.Verify(pdf, key).Intact.ShouldBeTrue();
        var bundleBytes = await Poppler.BundleAsync(pdf);
        var bundle = JsonSerializer.Deserialize<EvidenceBundleV2>(bundleBytes)!;
        bundle.Stream.Complete.ShouldBeFalse();
        bundle.Events.Count.ShouldBe(preview.EventCount);
        var (jsCode, jsOutput) = await Poppler.JsVerifyAsync(bundleBytes, databases.PublicKeyPath);
        jsCode.ShouldBe(0, jsOutput);
        var (cliCode, cliOutput) = await OfflineEvidenceCheck.RunAsync(System.Text.Encoding.UTF8.GetString(bundleBytes), databases.PublicKeyPath);
        cliCode.ShouldBe(OfflineEvidenceCheck.Intact, cliOutput);
        var text = await Poppler.TextAsync(pdf);
        text.ShouldContain($"partial: events from {LedgerTime.ToText(window.From)} to {LedgerTime.ToText(window.To)}");
        text.ShouldContain("Stream sequence (partial)");
    }

    [Fact]
    public async Task LineageClosure_IsAnEvidenceSetOfPartialBundles_AtOneCheckpoint_AndAnAlteredBundleIsNamed()
    {
        var owner = U("exp-lineage");
        var caseId = await new Investigation(factory).OpenCaseAsync(owner, "Lineage case");
        var user = Investigation.Principal(owner, PortalRoles.Investigator);
        Guid output;
        await using (var connection = new NpgsqlConnection(databases.Primary(databases.LedgerDb)))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                SELECT o.event_id FROM ledger.events o JOIN ledger.events i ON i.event_id = o.lineage_inputs[1]
                WHERE o.rule_id IS NOT NULL AND (i.stream_type, i.stream_id) <> (o.stream_type, o.stream_id)
                  AND o.seq <= (SELECT max(size) FROM ledger.checkpoints)
                ORDER BY o.seq LIMIT 1
                """, connection);
            output = (Guid)(await cmd.ExecuteScalarAsync()).ShouldNotBeNull("the demo ledger has an output derived from another stream");
        }
        var scope = ExportScope.LineageOf(output);
        var exports = new CaseExports(factory);

        var preview = (await exports.PreviewAsync(user, caseId, scope)).Value.ShouldNotBeNull();
        preview.Problem.ShouldBeNull();
        preview.Streams!.Count.ShouldBeGreaterThan(1);
        preview.EventCount.ShouldBe(preview.Streams.Sum(s => s.EventCount));

        var job = await exports.RunAsync(user, caseId, scope);
        job.Status.ShouldBe(ExportJobStatus.Done, job.Message);
        using (var services = factory.Services.CreateScope())
        {
            var line = (await services.ServiceProvider.GetRequiredService<CaseExportService>().ListAsync(caseId, CancellationToken.None)).ShouldHaveSingleItem();
            line.Scope.ShouldBe($"lineage of {output:D}");
            line.EventCount.ShouldBe(preview.EventCount);
        }
        using var client = Client("investigator", owner, caseId);
        var pdf = await client.GetByteArrayAsync(EvidenceDownloads.Path(job.ExportId!));
        var key = CheckpointPublicKey.FromPem(await File.ReadAllTextAsync(databases.PublicKeyPath));
        var report = EvidencePdfVerifier.Verify(pdf, key);
        report.Intact.ShouldBeTrue(string.Join("; ", report.Findings.Select(f => f.Check + ": " + f.Message)));

        var setBytes = await Poppler.BundleAsync(pdf);
        var set = JsonSerializer.Deserialize<EvidenceSet>(setBytes)!;
        set.Scope.Kind.ShouldBe(EvidenceSet.Lineage);
        set.Scope.Output.ShouldBe(output.ToString("D"));
        set.Bundles.Select(b => $"{b.Stream.Type}/{b.Stream.Id}").ShouldBe(preview.Streams.Select(s => s.Stream.ToString()));
        set.Bundles.ShouldAllBe(b => !b.Stream.Complete && b.Checkpoint.Note == set.Bundles[0].Checkpoint.Note);
        var (jsCode, jsOutput) = await Poppler.JsVerifyAsync(setBytes, databases.PublicKeyPath);
        jsCode.ShouldBe(0, jsOutput);
        var (cliCode, cliOutput) = await OfflineEvidenceCheck.RunAsync(System.Text.Encoding.UTF8.GetString(setBytes), databases.PublicKeyPath);
        cliCode.ShouldBe(OfflineEvidenceCheck.Intact, cliOutput);
        var text = await Poppler.TextAsync(pdf);
        text.ShouldContain($"output {output:D} with its lineage");
        text.ShouldContain("Lineage closure passed");
        text.ShouldContain("derived: rule ");

        // The last bundle altered (its first event's leaf hash): both verifiers fail and name that bundle.
        var last = set.Bundles.Count - 1;
        var altered = System.Text.Json.Nodes.JsonNode.Parse(setBytes)!;
        altered["bundles"]![last]!["events"]![0]!["leaf_hash"] = new string('0', 64);
        var tampered = altered.ToJsonString();
        (cliCode, cliOutput) = await OfflineEvidenceCheck.RunAsync(tampered, databases.PublicKeyPath);
        cliCode.ShouldBe(OfflineEvidenceCheck.Findings, cliOutput);
        cliOutput.ShouldContain($"$.bundles[{last}].events[0].leaf_hash");
        cliOutput.ShouldContain($"bundle {last} ({set.Bundles[last].Stream.Type}/{set.Bundles[last].Stream.Id})");
        (jsCode, jsOutput) = await Poppler.JsVerifyAsync(System.Text.Encoding.UTF8.GetBytes(tampered), databases.PublicKeyPath);
        jsCode.ShouldBe(1, jsOutput);
        jsOutput.ShouldContain($"at=$.bundles[{last}].events[0].leaf_hash");
    }

    [Fact]
    public async Task StarredEvents_NoneStarred_CannotStart_AndTheStarredOnesAreExported()
    {
        var owner = U("exp-starred");
        var caseId = await new Investigation(factory).OpenCaseAsync(owner, "Starred case");
        var user = Investigation.Principal(owner, PortalRoles.Investigator);
        var exports = new CaseExports(factory);
        var empty = (await exports.PreviewAsync(user, caseId, ExportScope.Starred)).Value.ShouldNotBeNull();
        empty.EventCount.ShouldBe(0);
        empty.Streams.ShouldBeEmpty();

        // Star two events of two streams, then export: one bundle per stream, exactly those events.
        var starred = new List<long>();
        foreach (var stream in new[] { Stream, new StreamKey("account", "acc-000002") })
        {
            await using var connection = new NpgsqlConnection(databases.Primary(databases.LedgerDb));
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT event_id, seq FROM ledger.events WHERE stream_type = $1 AND stream_id = $2 AND stream_seq = 2", connection);
            cmd.Parameters.Add(new NpgsqlParameter { Value = stream.Type });
            cmd.Parameters.Add(new NpgsqlParameter { Value = stream.Id });
            await using var reader = await cmd.ExecuteReaderAsync();
            (await reader.ReadAsync()).ShouldBeTrue();
            var (eventId, seq) = (reader.GetGuid(0), reader.GetInt64(1));
            starred.Add(seq);
            using var services = factory.Services.CreateScope();
            (await services.ServiceProvider.GetRequiredService<AuditPortal.Portal.Workspace.AnnotationService>().SetAsync(user, caseId,
                new AuditPortal.Portal.Workspace.AnnotationInput(eventId, stream.Type, stream.Id, 2, true, null, null), CancellationToken.None)).IsOk.ShouldBeTrue();
        }
        var preview = (await exports.PreviewAsync(user, caseId, ExportScope.Starred)).Value.ShouldNotBeNull();
        preview.EventCount.ShouldBe(2);
        preview.Streams!.Count.ShouldBe(2);
        var job = await exports.RunAsync(user, caseId, ExportScope.Starred);
        job.Status.ShouldBe(ExportJobStatus.Done, job.Message);
        using var client = Client("investigator", owner, caseId);
        var pdf = await client.GetByteArrayAsync(EvidenceDownloads.Path(job.ExportId!));
        var set = JsonSerializer.Deserialize<EvidenceSet>(await Poppler.BundleAsync(pdf))!;
        set.Scope.Kind.ShouldBe(EvidenceSet.Starred);
        set.Bundles.SelectMany(b => b.Events.Select(e => e.Seq)).Order().ShouldBe(starred.Order());
        EvidencePdfVerifier.Verify(pdf, CheckpointPublicKey.FromPem(await File.ReadAllTextAsync(databases.PublicKeyPath))).Intact.ShouldBeTrue();
        // The access log names the scope.
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND payload::jsonb->>'kind' = $2 AND payload::jsonb->'parameters'->>'scope' = 'starred'",
            owner, AuditPortal.Evidence.EvidencePdfExporter.Kind)).ShouldBe(1);
    }

    [Fact]
    public async Task Cancel_WhileTheJobRuns_LeavesNoFileAndNoRow_AndTheAccessLogSaysFailed()
    {
        var owner = U("exp-cancel");
        var caseId = await new Investigation(factory).OpenCaseAsync(owner, "Cancel case");
        var user = Investigation.Principal(owner, PortalRoles.Investigator);
        var exports = new CaseExports(factory);
        // Cancel from the job's first progress report (the engine is drawing events): as the dialog's button does. The
        // registry announces a job as queued before it runs, so the second "running" change is that report.
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reports = 0;
        void OnChanged(ExportJob job)
        {
            if (job.Request.Who.SubjectId == owner && job.Status == ExportJobStatus.Running && job.Progress >= 0 && !cancelled.Task.IsCompleted && reports++ > 0)
                cancelled.TrySetResult(job.Cancel());
        }
        exports.Jobs.Changed += OnChanged;
        try
        {
            var job = await exports.RunAsync(user, caseId, CaseExports.Whole(Stream));
            (await cancelled.Task.WaitAsync(TimeSpan.FromMinutes(1))).ShouldBeTrue();
            job.Status.ShouldBe(ExportJobStatus.Cancelled);
            job.Message.ShouldBe(EvidenceExportJobs.CancelledMessage);
            job.Cancel().ShouldBeFalse("a finished job cannot be cancelled");
        }
        finally
        {
            exports.Jobs.Changed -= OnChanged;
        }
        (await databases.CountAsync("SELECT count(*) FROM workspace.evidence_exports WHERE case_id = $1", caseId)).ShouldBe(0);
        (await databases.CountAsync("SELECT count(*) FROM workspace.evidence_export_files f JOIN workspace.evidence_exports e ON e.id = f.export_row_id WHERE e.case_id = $1", caseId)).ShouldBe(0);
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND action = $2", owner, AccessLogEvents.FailedAction)).ShouldBe(1);
        using var scope = factory.Services.CreateScope();
        var line = (await scope.ServiceProvider.GetRequiredService<CaseExportService>().ListAsync(caseId, CancellationToken.None)).ShouldHaveSingleItem();
        line.Status.ShouldBe(ExportJobStatus.Cancelled);
        line.ExportId.ShouldBeNull();
    }

    [Fact]
    public async Task AccessLogDown_TheExportProducesNothing_AndTheJobSaysWhy()
    {
        var owner = U("exp-outage");
        var caseId = await new Investigation(factory).OpenCaseAsync(owner, "Outage case");
        var user = Investigation.Principal(owner, PortalRoles.Investigator);
        var superuser = databases.Primary(databases.PortalDb);
        await LedgerDatabasesFixture.ExecuteAsync(superuser, "REVOKE INSERT ON ledger.events FROM accesslog_writer");
        ExportJob job;
        try
        {
            job = await new CaseExports(factory).RunAsync(user, caseId, CaseExports.Whole(Stream));
        }
        finally
        {
            await LedgerDatabasesFixture.ExecuteAsync(superuser, "GRANT INSERT ON ledger.events TO accesslog_writer");
        }
        job.Status.ShouldBe(ExportJobStatus.Failed);
        job.Message.ShouldBe(EvidenceExportJobs.AccessLogDownMessage);
        job.ExportId.ShouldBeNull();
        (await databases.CountAsync("SELECT count(*) FROM workspace.evidence_exports WHERE case_id = $1", caseId)).ShouldBe(0);
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND payload::jsonb->>'kind' = $2",
            owner, AuditPortal.Evidence.EvidencePdfExporter.Kind)).ShouldBe(0);
    }

    [Fact]
    public async Task OnlyInvestigatorsInAnOpenCase_MayStart_AndBadWindowsAreRefusedBeforeAnything()
    {
        var owner = U("exp-rules");
        var investigation = new Investigation(factory);
        var caseId = await investigation.OpenCaseAsync(owner, "Rules case");
        var exports = new CaseExports(factory);
        var whole = CaseExports.Whole(Stream);

        (await exports.StartAsync(Investigation.Principal(owner, PortalRoles.Investigator), null, whole)).Problem.ShouldBe(CaseExportAccess.NoCaseMessage);
        (await exports.StartAsync(Investigation.Principal(U("other"), PortalRoles.Investigator), caseId, whole)).Problem.ShouldBe(CaseExportAccess.NotMemberMessage);
        (await exports.StartAsync(Investigation.Principal(owner, PortalRoles.Auditor), caseId, whole)).Problem.ShouldBe(CaseExportAccess.NotInvestigatorMessage);
        (await exports.StartAsync(Investigation.Principal(owner, PortalRoles.Admin), caseId, whole)).Problem.ShouldBe(CaseExportAccess.NotInvestigatorMessage);
        (await exports.PreviewAsync(Investigation.Principal(owner, PortalRoles.Auditor), caseId, whole)).Status.ShouldBe(AuditPortal.Portal.Gateway.GatewayStatus.Forbidden);

        ExportScope.Parse(Stream, "2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z", out var backwards).ShouldBeNull();
        backwards.ShouldBe("The window must end after it starts.");
        ExportScope.Parse(Stream, "yesterday", "2026-01-01T00:00:00Z", out var notADate).ShouldBeNull();
        notADate.ShouldNotBeNull().ShouldContain("start is not a date");
        ExportScope.Parse(Stream, new string('9', 10_000), "x", out var huge).ShouldBeNull();
        huge.ShouldNotBeNull();
        ExportScope.Parse(Stream, "2026-01-01T00:00:00\u202E", "2026-02-01T00:00:00Z", out var bidi).ShouldBeNull();
        bidi.ShouldNotBeNull();
        ExportScope.Parse(Stream, "", " ", out var none)!.Window.ShouldBeNull();
        none.ShouldBeNull();
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND payload::jsonb->>'kind' = $2",
            owner, AuditPortal.Evidence.EvidencePdfExporter.Kind)).ShouldBe(0);
    }

    [Fact]
    public async Task UnderALiveGrant_TheCoveredFieldsArePrintedAndMarked_TheRestMasked_AndTheEntryNamesTheGrant()
    {
        var owner = U("exp-grant");
        var investigation = new Investigation(factory);
        var caseId = await investigation.OpenCaseAsync(owner, "Grant case");
        var user = Investigation.Principal(owner, PortalRoles.Investigator);
        var stream = await StreamWithPersonalDataAsync();
        var grant = await investigation.GrantAsync(user, caseId, stream);
        grant.IsOk.ShouldBeTrue(grant.Message);
        var exports = new CaseExports(factory);

        var preview = (await exports.PreviewAsync(user, caseId, CaseExports.Whole(stream))).Value!;
        var shown = preview.Fields.Select(f => ExportPreview.Show(f, ExportPreviewQuery.Revealing([grant.Value!]))).ToList();
        shown.ShouldContain($"revealed under grant {grant.Value!.Id:D} ({grant.Value.Reason})");

        var job = await exports.RunAsync(user, caseId, CaseExports.Whole(stream));
        job.Status.ShouldBe(ExportJobStatus.Done, job.Message);
        using var client = Client("investigator", owner, caseId);
        var text = await Poppler.TextAsync(await client.GetByteArrayAsync(EvidenceDownloads.Path(job.ExportId!)));
        text.ShouldContain(Poppler.Collapse($"(revealed under grant {grant.Value.Id:D} ({grant.Value.Reason}))"));
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND payload::jsonb->>'kind' = $2 AND payload::jsonb->'parameters'->'grants' ? $3",
            owner, AuditPortal.Evidence.EvidencePdfExporter.Kind, grant.Value.Id.ToString("D"))).ShouldBe(1);
    }

    private async Task<StreamKey> StreamWithPersonalDataAsync()
    {
        await using var connection = new NpgsqlConnection(databases.Primary(databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT e.stream_type, e.stream_id FROM ledger.events e
            WHERE e.payload LIKE '%"enc":"A256GCM"%'
              AND NOT EXISTS (SELECT 1 FROM keystore.erasures er WHERE e.payload LIKE '%"sub":"' || er.subject_id || '"%')
            ORDER BY e.seq LIMIT 1
            """, connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue("the demo ledger has streams with personal data");
        return new StreamKey(reader.GetString(0), reader.GetString(1));
    }

    private async Task<IReadOnlyList<DateTime>> OccurredAsync(StreamKey stream)
    {
        await using var connection = new NpgsqlConnection(databases.Primary(databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT occurred_at FROM ledger.events WHERE stream_type = $1 AND stream_id = $2 ORDER BY occurred_at", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = stream.Type });
        cmd.Parameters.Add(new NpgsqlParameter { Value = stream.Id });
        var list = new List<DateTime>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            list.Add(reader.GetFieldValue<DateTime>(0));
        return list;
    }
}
