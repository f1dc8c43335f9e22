using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.PersonalData;
using AuditPortal.Data.Proofs;
using AuditPortal.Data.Reading;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Evidence;

/// <summary>What an export produced: the signed PDF, the hashes the workspace and the access log keep, and the entry that recorded it.</summary>
/// <param name="Scope">What was exported, as the workspace lists it (<c>stream TYPE/ID</c>).</param>
public sealed record EvidencePdfExport(byte[] Pdf, string PdfSha256, string BundleSha256, int EventCount, long CheckpointSize, long AccessLogSeq, string AccessLogHash,
    string ExportId, DateTime ExportedAt, string Scope);

/// <summary>
/// One evidence PDF export, the same from the command line and the portal (docs/evidence-pdf.md, "Export"):
/// <list type="number">
/// <item>appends the <c>evidence.export</c> access-log entry — if that fails, nothing is read and nothing produced;</item>
/// <item>builds the stream's format 2 bundle at the latest checkpoint and verifies it offline against the ledger's key;</item>
/// <item>draws and signs the PDF with the entry's sequence and hash on its cover;</item>
/// <item>lets the caller record the export (the portal's workspace row) — if that fails, the export fails;</item>
/// <item>appends the entry's outcome (events exported, digest of their ids, or the failure).</item>
/// </list>
/// </summary>
public sealed class EvidencePdfExporter(
    ProofService proofs,
    NpgsqlDataSource ledger,
    AccessLogWriter accessLog,
    NpgsqlDataSource accessLogDatabase,
    string accessLogOrigin,
    CheckpointPublicKey ledgerKey,
    EvidenceSigningCertificate signing,
    TimeProvider time)
{
    /// <summary>The access-log kind of an export.</summary>
    public const string Kind = "evidence.export";

    public static readonly JsonSerializerOptions BundleJson = new() { WriteIndented = true };

    public static string PortalVersion { get; } =
        typeof(EvidencePdfExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <param name="presenter">How personal fields appear; null masks them all (erased subjects as erased).</param>
    /// <param name="record">
    /// Called with the finished export after the access-log entry and before its outcome entry (the portal writes the
    /// workspace row here); if it throws, the outcome is logged as failed and the exception propagates: no file is handed out.
    /// </param>
    /// <param name="window">Only the events that occurred in this window: a bundle that is not complete, said so on the cover; null for the whole stream.</param>
    /// <exception cref="AccessLogUnavailableException">The export could not be recorded: nothing was produced.</exception>
    /// <exception cref="InvalidOperationException">No checkpoint, or the bundle did not verify.</exception>
    /// <exception cref="InvalidDataException">The ledger disagrees with its checkpoint.</exception>
    public Task<EvidencePdfExport> ExportStreamAsync(StreamKey stream, EvidenceRequester who, Func<IReadOnlySet<string>, IPersonalFieldPresenter>? presenter = null,
        IProgress<double>? progress = null, Func<EvidencePdfExport, CancellationToken, Task>? record = null, CancellationToken ct = default, StreamWindow? window = null)
    {
        var parameters = new JsonObject { ["stream_id"] = stream.Id, ["stream_type"] = stream.Type };
        if (window is not null)
        {
            parameters["from"] = LedgerTime.ToText(window.From);
            parameters["to"] = LedgerTime.ToText(window.To);
        }
        return ExportAsync(parameters, who, window is null ? "stream " + stream : $"stream {stream} {window}",
            window is null ? null : $"partial: events from {LedgerTime.ToText(window.From)} to {LedgerTime.ToText(window.To)} (occurred at, UTC) only",
            async token => Serialize(await proofs.StreamBundleAsync(stream, who.DisplayName, token, window).ConfigureAwait(false)),
            presenter, progress, record, ct);
    }

    /// <summary>
    /// As <see cref="ExportStreamAsync"/>, for a scope that spans several streams — a case's starred events or an output with
    /// its lineage closure: the PDF embeds an evidence set (docs/ledger-format.md §8.8), one bundle per stream at one checkpoint.
    /// </summary>
    /// <exception cref="InvalidOperationException">No checkpoint, nothing selected, too many events, or the set did not verify.</exception>
    public Task<EvidencePdfExport> ExportSetAsync(EventSelection selection, EvidenceRequester who, Func<IReadOnlySet<string>, IPersonalFieldPresenter>? presenter = null,
        IProgress<double>? progress = null, Func<EvidencePdfExport, CancellationToken, Task>? record = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var parameters = new JsonObject { ["scope"] = selection.Scope.Kind };
        if (selection.Scope.Output is { } output)
            parameters["output"] = output;
        return ExportAsync(parameters, who, ScopeText(selection), null,
            async token => Serialize(await proofs.EventSetAsync(selection, who.DisplayName, token).ConfigureAwait(false)),
            presenter, progress, record, ct);
    }

    /// <summary>How the case's export list and the workspace row name a set's scope.</summary>
    public static string ScopeText(EventSelection selection) => selection switch
    {
        LineageClosure l => $"lineage of {l.Output:D}",
        _ => "starred events",
    };

    private async Task<EvidencePdfExport> ExportAsync(JsonObject scope, EvidenceRequester who, string scopeText, string? partial, Func<CancellationToken, Task<byte[]>> document,
        Func<IReadOnlySet<string>, IPersonalFieldPresenter>? presenter, IProgress<double>? progress, Func<EvidencePdfExport, CancellationToken, Task>? record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(who);
        var started = time.GetTimestamp();
        var exportId = "exp-" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        var parameters = new JsonObject { ["export_id"] = exportId, ["format"] = "pdf" };
        foreach (var (name, value) in scope.ToArray())
        {
            scope.Remove(name);
            parameters[name] = value;
        }
        if (who.Grants is { Count: > 0 } grants)
            parameters["grants"] = new JsonArray([.. grants.Select(g => (JsonNode)g)]);
        var entry = new AccessLogEntry
        {
            RequestId = exportId,
            SubjectId = who.SubjectId,
            DisplayName = who.DisplayName,
            Roles = who.Roles,
            Kind = Kind,
            Parameters = parameters,
            Purpose = who.Purpose,
            CaseReference = who.CaseReference,
            ClientAddress = who.ClientAddress,
            RequestedAt = time.GetUtcNow().UtcDateTime,
        };
        var appended = await accessLog.AppendAsync(entry, ct).ConfigureAwait(false);
        try
        {
            var entryHash = await new LedgerRowReader(accessLogDatabase).StoredHashAsync(appended.Seq, ct).ConfigureAwait(false)
                ?? throw new AccessLogUnavailableException($"the access-log entry {appended.Seq} cannot be read back");
            var json = await document(ct).ConfigureAwait(false);
            // The PDF presents the document read back from the bytes it embeds, as checked: held once as bytes, once as
            // records. Task.Run moves the work off the stack of the ledger read, which runs this continuation inline and
            // would otherwise keep every row it read (and the bundle built from them) alive until the PDF is made.
            var (report, bundles, set, subjects, eventIds) = await Task.Run(() => CheckAndRead(json), ct).ConfigureAwait(false);
            var erased = await new KeyStore(ledger).ErasedAmongAsync(subjects, ct).ConfigureAwait(false);
            var custody = new EvidenceCustody
            {
                ExportId = exportId,
                CaseReference = who.CaseTitle is { } title ? $"{title} (case {who.CaseReference})" : who.CaseReference,
                Partial = partial,
                Purpose = who.Purpose,
                ExportedBy = who.DisplayName,
                ExportedAs = string.Join(", ", who.Roles),
                ExportedAt = entry.RequestedAt,
                PortalVersion = PortalVersion,
                AccessLogSeq = appended.Seq,
                AccessLogHash = HashHex.ToHex(entryHash),
                AccessLogOrigin = accessLogOrigin,
            };
            var pdf = await EvidencePdfWriter.WriteAsync(
                new EvidencePdfInput(json, bundles, set?.Scope, report, custody, presenter?.Invoke(erased) ?? new MaskingPresenter(erased)), signing, progress, ct).ConfigureAwait(false);
            var export = new EvidencePdfExport(pdf, Convert.ToHexStringLower(SHA256.HashData(pdf)), Convert.ToHexStringLower(SHA256.HashData(json)),
                eventIds.Count, report.CheckpointSize, appended.Seq, custody.AccessLogHash, exportId, entry.RequestedAt, scopeText);
            if (record is not null)
                await record(export, ct).ConfigureAwait(false);
            await accessLog.AppendCompletionAsync(AccessLogCompletion.For(entry, appended.EventId, AccessLogOutcome.Completed,
                eventIds.Count, RecordDigest.Compute(eventIds), time.GetElapsedTime(started), time.GetUtcNow().UtcDateTime), ct).ConfigureAwait(false);
            return export;
        }
        catch (Exception ex) when (ex is not AccessLogUnavailableException)
        {
            await accessLog.TryAppendFailureAsync(entry, appended.EventId, time.GetElapsedTime(started), time.GetUtcNow().UtcDateTime).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The bundle as indented UTF-8 JSON: the bytes an evidence PDF embeds and hashes.</summary>
    public static byte[] Serialize<T>(T document)
    {
        // Not SerializeToUtf8Bytes: its growing buffers are rented from the shared array pool, which would then keep
        // tens of megabytes of a large bundle (every doubling of the buffer) for the life of the process.
        using var buffer = new MemoryStream();
        JsonSerializer.Serialize(buffer, document, BundleJson);
        return buffer.ToArray();
    }

    /// <summary>
    /// Verifies the document's bytes (a bundle or an evidence set) offline against the ledger's key and reads back what was
    /// checked, with, in one pass over its records, the subjects of their personal fields and their event ids (the outcome's digest).
    /// </summary>
    private (EvidenceReport Report, IReadOnlyList<EvidenceBundleV2> Bundles, EvidenceSet? Set, HashSet<string> Subjects, List<string> EventIds) CheckAndRead(byte[] json)
    {
        EvidenceReport report;
        IReadOnlyList<EvidenceBundleV2>? bundles;
        EvidenceSet? set = null;
        if (EvidenceFile.FormatOf(json) == EvidenceSet.FormatName)
        {
            report = EvidenceFile.VerifySet(json, ledgerKey, out set);
            bundles = set?.Bundles;
        }
        else
        {
            report = EvidenceFile.VerifyBundleV2(json, ledgerKey, out var bundle);
            bundles = bundle is null ? null : [bundle];
        }
        if (bundles is null)
            throw EvidencePdfWriter.Refusal(report);
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        var eventIds = new List<string>(bundles.Sum(b => b.Events.Count));
        foreach (var e in bundles.SelectMany(b => b.Events))
        {
            using var record = JsonDocument.Parse(e.Canonical);
            eventIds.Add(record.RootElement.GetProperty("event_id").GetString()!);
            PersonalDataEnvelope.FindAll(record.RootElement.GetProperty("payload"), "$", (_, envelope) =>
            {
                if (envelope.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String)
                    subjects.Add(sub.GetString()!);
            });
        }
        return (report, bundles, set, subjects, eventIds);
    }
}
