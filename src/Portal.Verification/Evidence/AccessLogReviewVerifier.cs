using System.Globalization;
using System.Text;
using System.Text.Json;
using AuditPortal.Verification.Canonical;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// Checks an access-log review bundle offline (docs/access-log-review.md, "The chain proof of a review period"):
/// the access log's signed checkpoint and keys, every entry's record, the multi-leaf proof of all entries against the
/// checkpoint's root, the export's own entry, every request inside the period, every outcome next to its request.
/// </summary>
public static class AccessLogReviewVerifier
{
    public const string ProofCheck = "review_proof";
    public const string ExportEntryCheck = "export_entry";
    public const string PeriodCheck = "period";
    public const string OutcomeCheck = "outcome_request";
    public const string OrderCheck = "entry_order";

    private const string RequestedAction = "query.requested";
    private const string ExportKind = "accesslog.export";

    public static EvidenceReport Verify(AccessLogReviewBundle bundle, CheckpointPublicKey? trustedKey = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var findings = new List<EvidenceFinding>();
        void Fail(string check, long? seq, string expected, string actual, string message, string? where = null) =>
            findings.Add(new EvidenceFinding(check, seq, expected, actual, message, where));

        if (bundle.Format != AccessLogReviewBundle.FormatName)
            Fail("format", null, AccessLogReviewBundle.FormatName, bundle.Format, "unknown bundle format", "$.format");
        if (!RecordRules.IsTimestamp(bundle.ExportedAt))
            Fail("timestamp", null, "YYYY-MM-DDTHH:MM:SS.ffffffZ (§1)", SignedHeadChecks.Truncated(bundle.ExportedAt), "exported_at is not a timestamp of the format", "$.exported_at");
        foreach (var (bound, name) in new[] { (bundle.Period.From, "from"), (bundle.Period.To, "to") })
        {
            if (bound is not null && !RecordRules.IsTimestamp(bound))
                Fail("timestamp", null, "YYYY-MM-DDTHH:MM:SS.ffffffZ (§1) or null", SignedHeadChecks.Truncated(bound), $"period.{name} is not a timestamp of the format", $"$.period.{name}");
        }

        var key = SignedHeadChecks.ReadKey(bundle.PublicKeyPem, bundle.KeyId, trustedKey, Fail);
        var checkpoint = EvidenceBundleV2Verifier.ReadNote(bundle.Checkpoint.Note, bundle.Vkeys, key, Fail, CheckpointOrigin.AccessLog, requireStreamHeads: false);
        if (checkpoint is null)
            return new EvidenceReport(findings, 0, 0, "", key?.KeyId ?? "", trustedKey is not null);

        var leaves = new List<(long Index, byte[] LeafHash)>(bundle.Entries.Count);
        var records = new List<(long Seq, JsonElement Record, string Where)>(bundle.Entries.Count);
        for (var i = 0; i < bundle.Entries.Count; i++)
        {
            var entry = bundle.Entries[i];
            var where = $"$.entries[{i}]";
            if (i > 0 && entry.Seq <= bundle.Entries[i - 1].Seq)
                Fail(OrderCheck, entry.Seq, $"seq > {bundle.Entries[i - 1].Seq.ToString(CultureInfo.InvariantCulture)}", entry.Seq.ToString(CultureInfo.InvariantCulture),
                    "entries are in strictly increasing seq order", where);
            if (entry.Seq < 1 || entry.Seq > checkpoint.Size)
                Fail("leaf_index", entry.Seq, $"1 … {checkpoint.Size.ToString(CultureInfo.InvariantCulture)}", entry.Seq.ToString(CultureInfo.InvariantCulture),
                    "the entry is not in the checkpoint's tree", where + ".seq");
            var bytes = Encoding.UTF8.GetBytes(entry.Canonical);
            if (!JsonCanonicalizer.IsCanonical(bytes))
                Fail("canonical", entry.Seq, "RFC 8785 canonical JSON", "not canonical", "the record bytes are not in canonical form", where + ".canonical");
            var fields = SignedHeadChecks.CheckRecord(entry.Seq, entry.Canonical, Fail, where);
            if (fields is not null && fields.Seq != entry.Seq)
                Fail("leaf_index", entry.Seq, $"seq {fields.Seq.ToString(CultureInfo.InvariantCulture)}", $"seq {entry.Seq.ToString(CultureInfo.InvariantCulture)}",
                    "seq disagrees with the record's", where + ".seq");
            leaves.Add((entry.Seq - 1, MerkleHasher.HashLeaf(bytes)));
            if (fields is not null)
            {
                using var document = JsonDocument.Parse(bytes);
                records.Add((entry.Seq, document.RootElement.Clone(), where));
            }
        }

        var proof = new List<byte[]>(bundle.Proof.Count);
        for (var i = 0; i < bundle.Proof.Count; i++)
        {
            if (SignedHeadChecks.TryHash(bundle.Proof[i], null, Fail, $"$.proof[{i}]") is { } hash)
                proof.Add(hash);
        }
        if (findings.Count == 0)
        {
            var root = MultiLeafProof.Root(checkpoint.Size, leaves, proof, out var problem);
            if (root is null)
                Fail(ProofCheck, null, "a multi-leaf proof of the entries in the checkpoint's tree", "malformed", problem!, "$.proof");
            else if (!root.AsSpan().SequenceEqual(checkpoint.RootHash))
                Fail(ProofCheck, null, HashHex.ToHex(checkpoint.RootHash), HashHex.ToHex(root),
                    "the entries and the proof give another root than the signed checkpoint's: an entry or the proof was changed", "$.proof");
        }
        CheckContents(bundle, records, Fail);
        return new EvidenceReport(findings, bundle.Entries.Count, checkpoint.Size, HashHex.ToHex(checkpoint.RootHash), key?.KeyId ?? "", trustedKey is not null);
    }

    /// <summary>The export's own entry is there and names this export; requests lie in the period; each outcome's request is there.</summary>
    private static void CheckContents(AccessLogReviewBundle bundle, List<(long Seq, JsonElement Record, string Where)> records, Fail fail)
    {
        var requests = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, record, _) in records)
        {
            if (Text(record, "action") == RequestedAction)
                if (Text(record, "event_id") is { } id)
                    requests.Add(id);
        }
        var exportFound = false;
        foreach (var (seq, record, where) in records)
        {
            var action = Text(record, "action");
            if (seq == bundle.ExportEntrySeq)
            {
                exportFound = true;
                var payload = record.TryGetProperty("payload", out var pl) ? pl : default;
                var exportId = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object
                    && p.TryGetProperty("export_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                var kind = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
                if (action != RequestedAction || kind != ExportKind || exportId != bundle.ExportId)
                    fail(ExportEntryCheck, seq, $"a {RequestedAction} of kind {ExportKind} with export_id {bundle.ExportId}", $"{action}, kind {kind}, export_id {exportId}",
                        "the entry named as the export's record is not the request of this export", where);
                continue;
            }
            if (action == RequestedAction)
            {
                var at = Text(record, "occurred_at") ?? "";
                // Timestamps of the format have one width, so ordinal order is time order.
                if (bundle.Period.From is { } from && string.CompareOrdinal(at, from) < 0 || bundle.Period.To is { } to && string.CompareOrdinal(at, to) >= 0)
                    fail(PeriodCheck, seq, $"[{bundle.Period.From ?? "-∞"}, {bundle.Period.To ?? "∞"})", at, "a request outside the review period", where);
                continue;
            }
            var lineage = record.TryGetProperty("lineage", out var l) ? l : default;
            var input = lineage.ValueKind == JsonValueKind.Object && lineage.TryGetProperty("inputs", out var inputs) && inputs.ValueKind == JsonValueKind.Array
                && inputs.GetArrayLength() == 1 && inputs[0].ValueKind == JsonValueKind.String ? inputs[0].GetString() : null;
            if (input is null || !requests.Contains(input))
                fail(OutcomeCheck, seq, "its request among the entries", input ?? "no request named", "an outcome entry whose request is not in the bundle", where);
        }
        if (!exportFound)
            fail(ExportEntryCheck, bundle.ExportEntrySeq, $"an entry of seq {bundle.ExportEntrySeq.ToString(CultureInfo.InvariantCulture)}", "none",
                "the bundle does not hold the access-log entry that recorded its export", "$.export_entry_seq");
    }

    private static string? Text(JsonElement record, string member) =>
        record.ValueKind == JsonValueKind.Object && record.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
