using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Proofs;
using AuditPortal.Data.Reading;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;
using Npgsql;

namespace AuditPortal.Evidence;

/// <summary>What to export: a review period with the browser's other filters, and who asks.</summary>
/// <param name="FilterText">The filters other than the period as the reader sees them (name → value), e.g. <c>user</c> → subject id.</param>
public sealed record AccessLogReviewRequest(string ExportId, AccessLogFilter Filter, IReadOnlyDictionary<string, string> FilterText,
    string ExportedBy, string ExportedAs, DateTime ExportedAt)
{
    /// <summary>A new export id: <c>rev-</c> and a version 7 UUID.</summary>
    public static string NewExportId(TimeProvider time) => "rev-" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N");

    /// <summary>The parameters of the <c>accesslog.export</c> entry that records a PDF export (the bundle's verifier reads <c>export_id</c>).</summary>
    public JsonObject EntryParameters()
    {
        var parameters = new JsonObject
        {
            ["export_id"] = ExportId,
            ["format"] = "pdf",
            ["from"] = Filter.From is { } f ? LedgerTime.ToText(f) : null,
            ["to"] = Filter.To is { } t ? LedgerTime.ToText(t) : null,
        };
        foreach (var (name, value) in FilterText.OrderBy(p => p.Key, StringComparer.Ordinal))
            parameters[name] = value;
        return parameters;
    }
}

/// <summary>A finished review PDF: its bytes and hashes, what it holds, and the ids of the access-log events it lists (for the export's outcome digest).</summary>
public sealed record AccessLogReviewPdf(byte[] Pdf, string PdfSha256, string BundleSha256, int QueryCount, int EventCount, long CheckpointSize,
    IReadOnlyList<string> EventIds);

/// <summary>The period matches more queries than one PDF holds: nothing was produced; narrow the period or the filters.</summary>
public sealed class ReviewTooLargeException(int limit)
    : InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"more than {limit:N0} queries match: narrow the period or the filters"))
{
    public int Limit { get; } = limit;
}

/// <summary>
/// The signed review PDF of an access-log period (docs/access-log-review.md, "Review export"). The caller has
/// already appended the <c>accesslog.export</c> entry (the gateway in the portal, <see cref="RecordAndExportAsync"/>
/// for the command line); this signs a checkpoint of the access log that includes it, reads the period's queries,
/// builds the chain proof (<see cref="AccessLogReviewBundle"/>), checks it offline, and draws and signs the PDF.
/// </summary>
/// <param name="accessLog">The access log's primary (what the checkpoint covers is read there, never from a standby that may lag).</param>
public sealed class AccessLogReviewExporter(
    NpgsqlDataSource accessLog,
    AccessLogReader reader,
    AccessLogWriter writer,
    CheckpointPublicKey accessLogKey,
    byte[]? accessLogEd25519Key,
    EvidenceSigningCertificate signing)
{
    /// <summary>At most this many queries in one PDF (about 15 pages per thousand).</summary>
    public const int MaxQueries = 10_000;

    /// <exception cref="ReviewTooLargeException">More than <see cref="MaxQueries"/> queries match.</exception>
    /// <exception cref="InvalidOperationException">No checkpoint could be signed, or the proof did not verify.</exception>
    public async Task<AccessLogReviewPdf> ExportAsync(AccessLogReviewRequest request, long exportEntrySeq, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A checkpoint at the head now covers the export's own entry and everything of the period logged before it.
        var signed = await writer.CreateCheckpointAsync(ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException("the access log is empty: no checkpoint");
        if (signed.Note is null)
            throw new InvalidOperationException("the access log signs format 1 checkpoints (no Ed25519 key configured): a review PDF needs a signed note");
        var size = signed.Checkpoint.Size;
        if (exportEntrySeq > size)
            throw new InvalidOperationException($"the checkpoint of size {size} does not cover the export's entry {exportEntrySeq}");

        var items = new List<AccessLogItem>();
        long? before = size + 1;
        do
        {
            var page = await reader.SearchAsync(request.Filter, AccessLogReader.MaxPageSize, before, ct).ConfigureAwait(false);
            items.AddRange(page.Items);
            before = page.NextBeforeSeq;
            if (items.Count > MaxQueries)
                throw new ReviewTooLargeException(MaxQueries);
        }
        while (before is not null);
        items.Reverse(); // oldest first, as a reader goes through a period

        var seqs = new SortedSet<long> { exportEntrySeq };
        foreach (var item in items)
        {
            seqs.Add(item.Seq);
            if (item.Completion is { } c && c.Seq <= size)
                seqs.Add(c.Seq);
        }
        var entries = new List<AccessLogReviewEntry>(seqs.Count);
        var eventIds = new List<string>(seqs.Count);
        await foreach (var e in new LedgerRowReader(accessLog).ReadRangeAsync(seqs.Min, seqs.Max, ct).ConfigureAwait(false))
        {
            if (!seqs.Contains(e.Seq))
                continue;
            entries.Add(new AccessLogReviewEntry { Seq = e.Seq, Canonical = Encoding.UTF8.GetString(EventRecord.CanonicalBytes(e)) });
            eventIds.Add(e.EventId.ToString("D"));
        }
        if (entries.Count != seqs.Count)
            throw new InvalidOperationException($"the access log holds {entries.Count} of the {seqs.Count} entries the period names");
        var proof = await MultiLeafProof.BuildAsync(size, seqs.Select(s => s - 1).ToList(), new LeafHashReader(accessLog).ReadAsync(size, ct), ct).ConfigureAwait(false);

        var origin = signed.Checkpoint.Origin;
        var bundle = new AccessLogReviewBundle
        {
            Format = AccessLogReviewBundle.FormatName,
            ExportId = request.ExportId,
            ExportedAt = LedgerTime.ToText(LedgerTime.Truncate(request.ExportedAt)),
            ExportedBy = request.ExportedBy,
            Period = new AccessLogReviewPeriod
            {
                From = request.Filter.From is { } f ? LedgerTime.ToText(f) : null,
                To = request.Filter.To is { } t ? LedgerTime.ToText(t) : null,
            },
            Filters = request.FilterText,
            ExportEntrySeq = exportEntrySeq,
            Checkpoint = new EvidenceNote { Note = signed.Note },
            PublicKeyPem = accessLogKey.ToPem(),
            KeyId = accessLogKey.KeyId,
            Vkeys = accessLogEd25519Key is { } ed25519
                ? [accessLogKey.NoteKey(origin).ToString(), NoteVerifierKey.ForEd25519(origin, ed25519).ToString()]
                : [accessLogKey.NoteKey(origin).ToString()],
            Entries = entries,
            Proof = proof.Select(h => HashHex.ToHex(h)).ToArray(),
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(bundle, EvidencePdfExporter.BundleJson);
        var report = EvidenceFile.Verify(json, accessLogKey);
        if (!report.Intact)
            throw new InvalidOperationException($"the review bundle does not verify ({report.Findings.Count} finding(s), first: {report.Findings[0].Check}: {report.Findings[0].Message}): no PDF is made of it");

        var exportEntry = await new LedgerRowReader(accessLog).StoredHashAsync(exportEntrySeq, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"the access-log entry {exportEntrySeq} cannot be read back");
        var pdf = await AccessLogReviewPdfWriter.WriteAsync(new AccessLogReviewPdfInput(json, bundle, report, request, items, exportEntrySeq,
            HashHex.ToHex(exportEntry), origin, EvidencePdfExporter.PortalVersion), signing, ct).ConfigureAwait(false);
        return new AccessLogReviewPdf(pdf, Convert.ToHexStringLower(SHA256.HashData(pdf)), Convert.ToHexStringLower(SHA256.HashData(json)),
            items.Count, entries.Count, size, eventIds);
    }

    /// <summary>
    /// The operator's export (command line): appends the <c>accesslog.export</c> entry first — if that fails nothing is
    /// read or produced (<see cref="AccessLogUnavailableException"/>) — then exports, then appends the outcome.
    /// </summary>
    public async Task<AccessLogReviewPdf> RecordAndExportAsync(AccessLogReviewRequest request, string subjectId, TimeProvider time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var entry = new AccessLogEntry
        {
            RequestId = request.ExportId,
            SubjectId = subjectId,
            DisplayName = request.ExportedBy,
            Roles = [request.ExportedAs],
            Kind = ExportKind,
            Parameters = request.EntryParameters(),
            RequestedAt = request.ExportedAt,
        };
        var appended = await writer.AppendAsync(entry, ct).ConfigureAwait(false);
        try
        {
            var export = await ExportAsync(request, appended.Seq, ct).ConfigureAwait(false);
            await writer.AppendCompletionAsync(AccessLogCompletion.For(entry, appended.EventId, AccessLogOutcome.Completed, export.EventCount,
                RecordDigest.Compute(export.EventIds), time.GetElapsedTime(started), time.GetUtcNow().UtcDateTime), ct).ConfigureAwait(false);
            return export;
        }
        catch (Exception ex) when (ex is not AccessLogUnavailableException)
        {
            await writer.TryAppendFailureAsync(entry, appended.EventId, time.GetElapsedTime(started), time.GetUtcNow().UtcDateTime).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The access-log kind of a review export (CSV and PDF alike; the parameters' <c>format</c> tells them apart).</summary>
    public const string ExportKind = "accesslog.export";
}
