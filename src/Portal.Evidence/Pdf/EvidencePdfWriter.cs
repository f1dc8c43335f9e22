using System.Globalization;
using System.Security.Cryptography;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Signatures;

namespace AuditPortal.Evidence.Pdf;

/// <summary>
/// What one evidence PDF presents: the embedded document (its exact bytes are embedded) — one stream's bundle, or an
/// evidence set (<paramref name="Set"/>, docs/ledger-format.md §8.8) of one bundle per stream — its offline verification,
/// the chain of custody and how personal fields appear.
/// </summary>
public sealed record EvidencePdfInput(byte[] BundleJson, IReadOnlyList<EvidenceBundleV2> Bundles, EvidenceSetScope? Set, EvidenceReport Report,
    EvidenceCustody Custody, IPersonalFieldPresenter Presenter)
{
    /// <summary>One stream's bundle.</summary>
    public EvidencePdfInput(byte[] bundleJson, EvidenceBundleV2 bundle, EvidenceReport report, EvidenceCustody custody, IPersonalFieldPresenter presenter)
        : this(bundleJson, [bundle], null, report, custody, presenter)
    {
    }

    /// <summary>What the PDF is of, as its title and every page's header say: the stream, or the set's scope.</summary>
    public string Subject => Set switch
    {
        null => $"{Bundles[0].Stream.Type}/{Bundles[0].Stream.Id}",
        { Kind: EvidenceSet.Lineage } lineage => $"output {lineage.Output} with its lineage",
        { Case: { } c } => $"starred events of {c}",
        _ => "starred events",
    };
}

/// <summary>
/// Draws and signs an evidence PDF (docs/evidence-pdf.md): cover with the chain of custody, verification summary,
/// the events, the appendix of inclusion proofs; the bundle embedded as an associated file; signed with the portal's
/// certificate (and an RFC 3161 timestamp when a TSA is configured). Page numbers and the export id on every page.
/// </summary>
public static class EvidencePdfWriter
{
    /// <summary>The cover's label of the bundle hash; <see cref="EvidencePdfVerifier"/> reads the hash after it.</summary>
    public const string BundleHashLabel = "Embedded bundle SHA-256";

    private static readonly XColor CorrectionColor = XColor.FromArgb(0xE6, 0x8A, 0x00);
    private static readonly XColor SupersededColor = XColor.FromArgb(0x9E, 0x9E, 0x9E);
    private static readonly XBrush Muted = new XSolidBrush(XColor.FromArgb(0x55, 0x55, 0x55));
    private static readonly XBrush Warning = new XSolidBrush(XColor.FromArgb(0xB0, 0x4A, 0x00));

    /// <param name="progress">Receives the share of events drawn, 0…1.</param>
    /// <exception cref="InvalidOperationException">The bundle did not verify: no PDF is made of evidence that does not check out.</exception>
    public static async Task<byte[]> WriteAsync(EvidencePdfInput input, EvidenceSigningCertificate signing, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(signing);
        if (!input.Report.Intact)
            throw Refusal(input.Report);
        EvidenceFonts.EnsureRegistered();

        var bundleHash = Convert.ToHexStringLower(SHA256.HashData(input.BundleJson));
        var views = input.Bundles.Select(b => EvidenceEventView.ReadAll(b, input.Presenter)).ToArray();
        var document = new PdfDocument();
        document.Options.NoCompression = true;
        document.Options.CompressContentStreams = false;
        var stream = input.Subject;
        document.Info.Title = $"Evidence: {stream}";
        document.Info.Subject = $"AuditPortal evidence export {input.Custody.ExportId}";
        document.Info.Author = input.Custody.ExportedBy;
        document.Info.Creator = "AuditPortal " + input.Custody.PortalVersion;
        document.Info.CreationDate = input.Custody.ExportedAt;
        document.Info.ModificationDate = input.Custody.ExportedAt;

        using (var flow = new PageFlow(document))
        {
            Cover(flow, input, views, bundleHash, signing);
            Summary(flow, input);
            Events(flow, input, views, progress, ct);
            Appendix(flow, input, views, ct);
        }
        Furnish(document, input.Custody.ExportId, stream);
        BundleAttachment.Attach(document, input.BundleJson, input.Custody.ExportedAt);
        StreamCompression.CompressAll(document);

        var signer = new CmsPdfSigner(signing.Certificate, signing.TimestampAuthority);
        DigitalSignatureHandler.ForDocument(document, signer, new DigitalSignatureOptions
        {
            AppName = "AuditPortal",
            Reason = $"Evidence export {input.Custody.ExportId}: the bundle's SHA-256 is {bundleHash}",
            Location = input.Custody.AccessLogOrigin,
            ContactInfo = input.Custody.ExportedBy,
            PageIndex = 0,
            Rectangle = new XRect(0, 0, 0, 0), // an invisible signature: the cover says who signed
        });
        using var output = new MemoryStream();
        await document.SaveAsync(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>Why no PDF is made of a bundle that did not verify.</summary>
    internal static InvalidOperationException Refusal(EvidenceReport report) =>
        new($"the bundle does not verify ({report.Findings.Count} finding(s), first: {(report.Findings.Count > 0 ? report.Findings[0].Check : "none")}): no evidence PDF is made of it");

    private static void Cover(PageFlow flow, EvidencePdfInput input, IReadOnlyList<IReadOnlyList<EvidenceEventView>> views, string bundleHash, EvidenceSigningCertificate signing)
    {
        var bundle = input.Bundles[0];
        var custody = input.Custody;
        var report = input.Report;
        var note = SignedNote.Parse(bundle.Checkpoint.Note);
        var checkpoint = Checkpoint.Parse(note.Text);
        flow.NewPage();
        flow.Text("Evidence report", PageFlow.Title);
        flow.Space(4);
        var events = input.Bundles.Sum(b => b.Events.Count);
        if (input.Set is null)
            flow.Text($"Stream {PrintableText.Of(bundle.Stream.Type)}/{PrintableText.Of(bundle.Stream.Id)}: {Count(events, "event")} up to the signed checkpoint of size {N(checkpoint.Size)}", PageFlow.Heading);
        else
            flow.Text($"Scope: {PrintableText.Of(input.Subject)}: {Count(events, "event")} in {Count(input.Bundles.Count, "stream")} (listed after how to verify), up to the signed checkpoint of size {N(checkpoint.Size)}", PageFlow.Heading);
        if (custody.Partial is { } partial)
            flow.Text(partial + ": the bundle is not complete (\"complete\": false); it proves these events and the stream's head, nothing about the events outside the window.", PageFlow.Heading, brush: Warning);
        if (input.Set is not null)
            flow.Text("An evidence set (docs/ledger-format.md §8.8): one bundle per stream, each not complete (\"complete\": false) — it proves the exported events and each stream's head, nothing about the streams' other events"
                + (input.Set.Kind == EvidenceSet.Lineage ? "; the set is closed under lineage: every derived event's inputs are in it (checked)." : "."), PageFlow.Heading, brush: Warning);
        flow.Space(10);
        flow.Text("Chain of custody", PageFlow.Heading);
        flow.Rule();
        flow.Labelled("Export id", custody.ExportId);
        flow.Labelled("Case", custody.CaseReference ?? "none (an operator's export from the command line)");
        flow.Labelled("Purpose", custody.Purpose ?? "none stated");
        flow.Labelled("Exported by", $"{custody.ExportedBy} ({custody.ExportedAs})");
        flow.Labelled("Export time", LedgerTime.ToText(LedgerTime.Truncate(custody.ExportedAt)) + " (UTC)");
        flow.Labelled("Portal version", custody.PortalVersion);
        flow.Labelled("Ledger origin", checkpoint.Origin);
        flow.Labelled("Signed checkpoint", $"size {N(checkpoint.Size)}, time {LedgerTime.ToText(checkpoint.Time)}");
        flow.Labelled("Checkpoint root", Convert.ToHexStringLower(checkpoint.RootHash), valueFont: PageFlow.Mono);
        flow.Labelled("Checkpoint key id", $"{bundle.KeyId} (SHA-256 of the ECDSA P-256 public key)", valueFont: PageFlow.Mono);
        flow.Labelled("Note signatures", string.Join("; ", bundle.Vkeys.Select(v => NoteVerifierKey.Parse(v)).Select(k => $"{k.Name}+{k.KeyId:x8}")));
        flow.Labelled("Signature status", report.Findings.Any(f => f.Check is "checkpoint_signature" or "vkeys")
            ? "INVALID"
            : $"valid: every note signature verified at export{(report.KeyPinned ? " against the ledger's own key" : "")}");
        flow.Labelled("Access-log entry", $"seq {N(custody.AccessLogSeq)} of {custody.AccessLogOrigin}, recorded before this file was made");
        flow.Labelled("Access-log entry hash", custody.AccessLogHash, valueFont: PageFlow.Mono);
        SigningAndHowToVerify(flow, bundleHash, signing,
        [
            "1. auditportal evidence verify report.pdf [--public-key ledger-checkpoint-public.pem] — checks the PDF signature, extracts the embedded bundle, checks that its SHA-256 is the one printed above and verifies it with no database.",
            "2. By hand: pdfsig report.pdf reports the signature valid (a self-signed development certificate is reported as untrusted, not invalid).",
            $"3. pdfdetach -save 1 -o bundle.json report.pdf extracts the bundle ({BundleAttachment.FileName}, application/json); sha256sum bundle.json must print the hash above.",
            input.Set is null
                ? "4. The bundle is the machine-readable evidence (docs/ledger-format.md §8.7); it verifies with auditportal evidence verify bundle.json or with the independent verifier (tools/independent-verifier). This report only presents it: where they differ, the bundle is the evidence."
                : "4. The embedded file is an evidence set (docs/ledger-format.md §8.8): one bundle per stream, all against one signed checkpoint; it verifies with auditportal evidence verify bundle.json or with the independent verifier (tools/independent-verifier), which name a failing bundle. This report only presents it: where they differ, the set is the evidence.",
            "Only a checkpoint key obtained from the ledger's operator (not from this file) makes the result more than self-consistent.",
        ]);
        if (input.Set is null)
            return;
        flow.Space(12);
        flow.Text($"Streams in this export ({N(input.Bundles.Count)})", PageFlow.Heading);
        flow.Rule();
        for (var i = 0; i < input.Bundles.Count; i++)
        {
            var b = input.Bundles[i];
            var head = b.StreamHead.Head is { } h ? $"head #{N(h.StreamSeq)}" : "no head";
            flow.Text($"bundle {i}: {PrintableText.Of(b.Stream.Type)}/{PrintableText.Of(b.Stream.Id)} — {Count(b.Events.Count, "event")} (stream_seq {string.Join(", ", views[i].Take(12).Select(v => "#" + N(v.StreamSeq)))}{(b.Events.Count > 12 ? ", …" : "")}), stream {head}", PageFlow.Body);
        }
    }

    /// <summary>The signed checkpoint a bundle is proved against, as every appendix prints it: the note, its verifier keys and the ECDSA key.</summary>
    internal static void SignedCheckpoint(PageFlow flow, string heading, string note, IEnumerable<string> vkeys, string publicKeyPem)
    {
        flow.Text(heading, PageFlow.Body);
        flow.Text(note, PageFlow.Mono, indent: 12);
        flow.Space(4);
        flow.Text("Verifier keys:", PageFlow.Body);
        foreach (var vkey in vkeys)
            flow.Text(vkey, PageFlow.Mono, indent: 12);
        flow.Text("ECDSA public key:", PageFlow.Body);
        flow.Text(publicKeyPem, PageFlow.Mono, indent: 12);
    }

    /// <summary>
    /// The end of every signed cover (evidence and access-log review): the embedded bundle's hash, the signer and the
    /// timestamp, then how to verify the document offline in <paramref name="steps"/>.
    /// </summary>
    internal static void SigningAndHowToVerify(PageFlow flow, string bundleHash, EvidenceSigningCertificate signing, IEnumerable<string> steps)
    {
        flow.Labelled(BundleHashLabel, bundleHash, valueFont: PageFlow.Mono);
        flow.Labelled("Signed with", signing.Describe());
        flow.Labelled("Timestamp", signing.TimestampAuthority is { } tsa ? $"RFC 3161 token from {tsa}" : "none (no time-stamping authority configured)");
        flow.Space(12);
        flow.Text("How to verify this document offline", PageFlow.Heading);
        flow.Rule();
        foreach (var step in steps)
        {
            flow.Text(step, PageFlow.Body);
            flow.Space(2);
        }
    }

    private static void Summary(PageFlow flow, EvidencePdfInput input)
    {
        var report = input.Report;
        var bundle = input.Bundles[0];
        bool Passed(params string[] checks) => !report.Findings.Any(f => checks.Contains(f.Check, StringComparer.Ordinal));
        var head = bundle.StreamHead.Head;
        var set = input.Set is not null;
        flow.NewPage();
        flow.Text("Verification summary", PageFlow.Title);
        flow.Space(4);
        flow.Text($"The embedded bundle was verified offline when this report was made: {(report.Intact ? "INTACT" : "FINDINGS")}, {Count(report.EventsChecked, "event")} checked against the checkpoint of size {N(report.CheckpointSize)}.", PageFlow.Body);
        flow.Space(6);
        (string Check, bool Ok, string Detail)[] rows =
        [
            ("Checkpoint signatures", Passed("checkpoint_signature", "vkeys", "public_key", "key_id", "origin", "checkpoint", "trusted_key", "evidence_set"),
                $"the signed note of size {N(report.CheckpointSize)} verifies under every listed key{(report.KeyPinned ? ", the ECDSA key being the ledger's own" : "")}{(set ? $"; all {N(input.Bundles.Count)} bundles are proved against this one checkpoint" : "")}"),
            ("Records and leaf hashes", Passed("canonical", "leaf_hash", "leaf_index", "record_json", "record_member", "record_type", "record_version", "uuid", "timestamp", "lineage", "hex", "zero_hash", "envelope"),
                "every record is canonical JSON obeying the record rules; each leaf hash is recomputed from it"),
            ("Inclusion in the checkpoint", Passed("inclusion_proof", "checkpoint_root"),
                $"each event's audit path leads to the root {report.RootHash[..16]}… (appendix A)"),
            ("Stream chain intact", Passed("stream_chain", "prev_hash"),
                "each event's stream_prev_hash is the previous event's leaf hash"),
            set
                ? ("Stream sequence (partial)", Passed("stream_seq", "event_order", "stream"),
                    "each stream's bundle holds the exported events only (not complete): they ascend, and neighbouring ones chain; the streams' other events are not in this set")
                : bundle.Stream.Complete
                ? ("Stream sequence complete", Passed("stream_seq", "event_order", "stream"),
                    head is null ? "the stream had no events at the checkpoint (proved absent)" : $"stream_seq runs 1 … {N(head.StreamSeq)} without a gap")
                : ("Stream sequence (partial)", Passed("stream_seq", "event_order", "stream"),
                    "a window of the stream, not complete: the events ascend, and neighbouring ones chain; the events outside the window are not in this bundle"),
            ("Head in the checkpoint", Passed("stream_head"),
                set ? $"each of the {N(input.Bundles.Count)} streams' heads is a leaf of the checkpoint's stream-head tree of {N(bundle.StreamHead.Count)}, and no exported event is beyond it (appendix B)"
                : head is null ? "its neighbours in the stream-head tree prove it absent" : $"the stream's head (#{N(head.StreamSeq)}) is the leaf {N(head.Index)} of the checkpoint's stream-head tree of {N(bundle.StreamHead.Count)}"),
            ("Consistency with the latest", true,
                $"the checkpoint used is the latest the ledger had signed at export time; a later one is checked against it with auditportal proof consistency --from {N(report.CheckpointSize)} --to <size>"),
        ];
        if (input.Set?.Kind == EvidenceSet.Lineage)
            rows = [.. rows, ("Lineage closure", Passed("lineage_closure"), $"the output {input.Set.Output} is in the set, and so is every input of every derived event in it, recursively")];
        foreach (var (check, ok, detail) in rows)
        {
            flow.Labelled(check, (ok ? "passed — " : "FAILED — ") + detail, labelWidth: 160);
            flow.Space(2);
        }
        foreach (var f in report.Findings)
            flow.Text($"FINDING {f.Check} at seq {f.Seq?.ToString(CultureInfo.InvariantCulture) ?? "-"}: {f.Message} (expected {f.Expected}, actual {f.Actual})", PageFlow.Body, brush: Warning);
        flow.Space(10);
        flow.Text("Reading the events", PageFlow.Heading);
        flow.Rule();
        flow.Text("Each event shows its stream sequence (#) and ledger sequence, business time (occurred) and system time (recorded), actor, action, a one-line summary and every payload field. A correction (orange bar) names the event it supersedes and stands next to it; a superseded event (grey bar) names its correction — both stay in the ledger. A late arrival was recorded 24 hours or more after it occurred. Personal fields are encrypted in the ledger: they read \"[personal data: masked]\", their value with the grant that revealed it, or \"[erased]\" when the subject was crypto-shredded — the bundle keeps the encrypted envelopes, so every hash still verifies.", PageFlow.Body);
    }

    private static void Events(PageFlow flow, EvidencePdfInput input, IReadOnlyList<IReadOnlyList<EvidenceEventView>> views, IProgress<double>? progress, CancellationToken ct)
    {
        var total = views.Sum(v => v.Count);
        // A derived event names its inputs by where they are in this export (stream and #), else by event id.
        var placed = views.SelectMany((list, b) => list.Select(v => (v.EventId, Place: $"{input.Bundles[b].Stream.Type}/{input.Bundles[b].Stream.Id} #{N(v.StreamSeq)} (seq {N(v.Seq)})")))
            .ToDictionary(x => x.EventId, x => PrintableText.Of(x.Place));
        flow.NewPage();
        flow.Text($"Events ({N(total)})", PageFlow.Title);
        flow.Space(6);
        if (total == 0)
            flow.Text("The stream has no events up to the checkpoint: the verification summary shows it is absent from the checkpoint's stream-head tree.", PageFlow.Body);
        var drawn = 0;
        for (var b = 0; b < views.Count; b++)
        {
            var list = views[b];
            if (input.Set is not null)
            {
                flow.Need(60);
                flow.Space(4);
                flow.Text($"Stream {PrintableText.Of(input.Bundles[b].Stream.Type)}/{PrintableText.Of(input.Bundles[b].Stream.Id)} (bundle {b}, {Count(list.Count, "event")})", PageFlow.Heading);
                flow.Rule();
            }
            var byStreamSeq = list.ToDictionary(v => v.StreamSeq);
            for (var i = 0; i < list.Count; i++, drawn++)
            {
                if (drawn % 64 == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Report((double)drawn / total);
                }
                var v = list[i];
                Event(flow, v, v.Supersedes is not null ? CorrectionColor : v.SupersededBy.Count > 0 ? SupersededColor : (XColor?)null, placed);
                // A correction stands beside what it supersedes: right after the superseded event, its correction(s) in brief.
                foreach (var later in v.SupersededBy)
                {
                    var c = byStreamSeq[later];
                    flow.Text($"→ corrected by #{N(c.StreamSeq)} (recorded {LedgerTime.ToText(c.RecordedAt)}): {c.Summary}", PageFlow.Small, indent: 12, brush: Warning);
                }
                flow.Rule();
            }
        }
        progress?.Report(1);
    }

    private static void Event(PageFlow flow, EvidenceEventView v, XColor? bar, IReadOnlyDictionary<Guid, string> placed)
    {
        flow.Need(40); // keep an event's first lines together
        var top = flow.Top;
        var marks = new List<string>();
        if (v.Supersedes is { } s)
            marks.Add(v.SupersedesStreamSeq is { } target ? $"CORRECTION of #{N(target)}" : $"CORRECTION of event {s}");
        if (v.SupersededBy.Count > 0)
            marks.Add("SUPERSEDED by " + string.Join(", ", v.SupersededBy.Select(x => "#" + N(x))));
        if (v.LateArrival)
            marks.Add($"LATE ARRIVAL: recorded {Lag(v.RecordedAt - v.OccurredAt)} after it occurred");
        flow.Text($"#{N(v.StreamSeq)}   seq {N(v.Seq)}   {v.Action}", PageFlow.Bold);
        if (marks.Count > 0)
            flow.Text(string.Join("   ", marks), PageFlow.Small, brush: Warning);
        flow.Text($"occurred {LedgerTime.ToText(v.OccurredAt)}   recorded {LedgerTime.ToText(v.RecordedAt)}   actor {v.Actor}", PageFlow.Small, brush: Muted);
        flow.Text(v.Summary, PageFlow.Body);
        if (v.Lineage is { } lineage)
        {
            flow.Text("derived: " + lineage, PageFlow.Small, brush: Muted);
            for (var k = 0; k < v.LineageInputs.Count; k++)
                flow.Text($"input {k + 1}: {(placed.TryGetValue(v.LineageInputs[k], out var place) ? place : $"event {v.LineageInputs[k]} (not in this export)")}", PageFlow.Small, indent: 12, brush: Muted);
        }
        foreach (var field in v.Fields)
            flow.Text($"{field.Path}: {field.Text}", PageFlow.Small, indent: 12);
        flow.Text($"event id {v.EventId}", PageFlow.Small, indent: 12, brush: Muted);
        if (bar is { } color)
            flow.MarginBar(top, color);
    }

    private static void Appendix(PageFlow flow, EvidencePdfInput input, IReadOnlyList<IReadOnlyList<EvidenceEventView>> views, CancellationToken ct)
    {
        flow.NewPage();
        flow.Text("Appendix A: inclusion proofs", PageFlow.Title);
        flow.Space(4);
        flow.Text($"For each event: its leaf index (seq − 1), its leaf hash H(0x00 ‖ canonical record) and its RFC 9162 audit path in the tree of size {N(input.Report.CheckpointSize)}, from the leaf upward. Hashing the leaf with the path gives the checkpoint's root {input.Report.RootHash}.", PageFlow.Body);
        flow.Space(6);
        for (var b = 0; b < input.Bundles.Count; b++)
        {
            var bundle = input.Bundles[b];
            if (input.Set is not null)
                flow.Text($"Stream {PrintableText.Of(bundle.Stream.Type)}/{PrintableText.Of(bundle.Stream.Id)} (bundle {b})", PageFlow.Heading);
            for (var i = 0; i < bundle.Events.Count; i++)
            {
                if (i % 256 == 0)
                    ct.ThrowIfCancellationRequested();
                var e = bundle.Events[i];
                flow.Need(20);
                flow.Text($"#{N(views[b][i].StreamSeq)}   seq {N(e.Seq)}   leaf index {N(e.LeafIndex)}   {e.InclusionProof.Count} proof hashes", PageFlow.Mono);
                flow.Text($"leaf: {e.LeafHash}", PageFlow.MonoSmall, indent: 12);
                ProofLines(flow, e.InclusionProof, indent: 12);
                flow.Space(3);
            }
        }
        var first = input.Bundles[0];
        flow.NewPage();
        flow.Text(input.Set is null ? "Appendix B: the signed checkpoint and the stream head" : "Appendix B: the signed checkpoint and the streams' heads", PageFlow.Title);
        flow.Space(4);
        SignedCheckpoint(flow, "The checkpoint as a C2SP signed note (docs/ledger-format.md §5.2):", first.Checkpoint.Note, first.Vkeys, first.PublicKeyPem);
        flow.Space(4);
        flow.Text($"Stream-head tree of {N(first.StreamHead.Count)} streams (§4.1, §8.7):", PageFlow.Body);
        foreach (var bundle in input.Bundles)
        {
            var sh = bundle.StreamHead;
            if (input.Set is not null)
                flow.Text($"{PrintableText.Of(bundle.Stream.Type)}/{PrintableText.Of(bundle.Stream.Id)}:", PageFlow.Body, indent: 6);
            foreach (var (name, entry) in new[] { ("head", sh.Head), ("left neighbour", sh.Left), ("right neighbour", sh.Right) })
            {
                if (entry is null)
                    continue;
                flow.Text($"{name}: index {N(entry.Index)}, {PrintableText.Of(entry.StreamType)}/{PrintableText.Of(entry.StreamId)}, stream_seq {N(entry.StreamSeq)}, leaf hash {entry.LeafHash}", PageFlow.Mono, indent: 12);
                ProofLines(flow, entry.Proof, indent: 24);
            }
        }
    }

    /// <summary>An audit path, two hashes per line with their indices, from the leaf upward.</summary>
    private static void ProofLines(PageFlow flow, IReadOnlyList<string> proof, double indent)
    {
        for (var k = 0; k < proof.Count; k += 2)
        {
            var pair = k + 1 < proof.Count
                ? $"{k,2}: {proof[k]}  {k + 1,2}: {proof[k + 1]}"
                : $"{k,2}: {proof[k]}";
            flow.Text(pair, PageFlow.MonoSmall, indent: indent);
        }
    }

    /// <summary>Header and footer on every page, drawn once the page count is known (each page's second content stream).</summary>
    private static void Furnish(PdfDocument document, string exportId, string stream)
    {
        var total = document.PageCount;
        var rule = new XPen(XColors.LightGray, 0.5);
        for (var i = 0; i < total; i++)
        {
            var page = document.Pages[i];
            FurnishPage(page, i + 1, total, exportId, stream, rule);
            StreamCompression.CompressPage(page);
        }
    }

    private static void FurnishPage(PdfPage page, int number, int total, string exportId, string stream, XPen rule)
    {
        using var gfx = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
        var width = page.Width.Point;
        var bottom = page.Height.Point - 30;
        gfx.DrawString($"AuditPortal evidence · {PrintableText.Of(stream)}", PageFlow.Small, Muted, new XPoint(PageFlow.Margin, 32));
        gfx.DrawLine(rule, PageFlow.Margin, 38, width - PageFlow.Margin, 38);
        gfx.DrawLine(rule, PageFlow.Margin, bottom - 10, width - PageFlow.Margin, bottom - 10);
        gfx.DrawString($"Export {exportId}", PageFlow.Small, Muted, new XPoint(PageFlow.Margin, bottom));
        var pageNumber = string.Create(CultureInfo.InvariantCulture, $"Page {number} of {total}");
        var size = gfx.MeasureString(pageNumber, PageFlow.Small);
        gfx.DrawString(pageNumber, PageFlow.Small, Muted, new XPoint(width - PageFlow.Margin - size.Width, bottom));
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Count(long n, string noun) => $"{N(n)} {noun}{(n == 1 ? "" : "s")}";

    private static string Lag(TimeSpan lag) => lag.TotalDays >= 2
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(lag.TotalDays)} days")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(lag.TotalHours)} hours");
}
