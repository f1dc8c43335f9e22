using System.Text.Json;
using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// Checks an evidence set (docs/ledger-format.md §8.8): every bundle by all the rules of a format 2 bundle (§8.7), its
/// findings named by the bundle (<c>$.bundles[i]…</c> and its stream); then the set's own rules (<c>evidence_set</c>):
/// at least one bundle, one signed checkpoint and one key for all, no stream twice; and for a lineage closure
/// (<c>lineage_closure</c>) that the output is in the set and every derived event's inputs are too.
/// </summary>
public static class EvidenceSetVerifier
{
    /// <summary>The check name of the set's own rules.</summary>
    public const string SetCheck = "evidence_set";

    /// <summary>The check name of a lineage closure's rule.</summary>
    public const string ClosureCheck = "lineage_closure";

    public static EvidenceReport Verify(EvidenceSet set, CheckpointPublicKey? trustedKey = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        var findings = new List<EvidenceFinding>();
        void Fail(string check, long? seq, string expected, string actual, string message, string? where = null) =>
            findings.Add(new EvidenceFinding(check, seq, expected, actual, message, where));

        if (set.Format != EvidenceSet.FormatName)
            Fail("format", null, EvidenceSet.FormatName, set.Format, "unknown evidence set format", "$.format");
        if (!Ledger.RecordRules.IsTimestamp(set.ExportedAt))
            Fail("timestamp", null, "YYYY-MM-DDTHH:MM:SS.ffffffZ (§1)", SignedHeadChecks.Truncated(set.ExportedAt),
                "exported_at is not a timestamp of the format", "$.exported_at");
        if (set.Bundles.Count == 0)
        {
            Fail(SetCheck, null, "at least one bundle", "none", "an evidence set holds one bundle per stream it exports", "$.bundles");
            return new EvidenceReport(findings, 0, 0, "", trustedKey?.KeyId ?? "", trustedKey is not null);
        }

        EvidenceReport? first = null;
        var signedHead = new EvidenceBundleV2Verifier.SignedHeadCache();
        var events = 0;
        var streams = new HashSet<(string, string)>();
        for (var i = 0; i < set.Bundles.Count; i++)
        {
            var bundle = set.Bundles[i];
            var name = Name(i, bundle);
            var report = EvidenceBundleV2Verifier.Verify(bundle, trustedKey, signedHead);
            first ??= report;
            events += report.EventsChecked;
            foreach (var f in report.Findings)
                findings.Add(f with { Message = $"{name}: {f.Message}", Where = Within(i, f.Where) });
            if (!streams.Add((bundle.Stream.Type, bundle.Stream.Id)))
                Fail(SetCheck, null, "each stream in one bundle", "again", $"{name}: an earlier bundle has the same stream", $"$.bundles[{i}].stream");
            if (i == 0)
                continue;
            if (!string.Equals(bundle.Checkpoint.Note, set.Bundles[0].Checkpoint.Note, StringComparison.Ordinal))
                Fail(SetCheck, null, "the checkpoint note of bundles[0]", "another note", $"{name}: every bundle of a set is proved against one signed checkpoint", $"$.bundles[{i}].checkpoint.note");
            if (!string.Equals(bundle.PublicKeyPem, set.Bundles[0].PublicKeyPem, StringComparison.Ordinal))
                Fail(SetCheck, null, "the public_key of bundles[0]", "another key", $"{name}: every bundle of a set carries one key", $"$.bundles[{i}].public_key");
        }
        CheckScope(set, Fail);
        return new EvidenceReport(findings, events, first!.CheckpointSize, first.RootHash, first.KeyId, trustedKey is not null);
    }

    /// <summary>How a finding names its bundle: <c>bundle 2 (account/acc-000001)</c>.</summary>
    public static string Name(int index, EvidenceBundleV2 bundle) => $"bundle {index} ({bundle.Stream.Type}/{bundle.Stream.Id})";

    private static string Within(int index, string? where) =>
        where is null ? $"$.bundles[{index}]" : where.StartsWith('$') ? $"$.bundles[{index}]" + where[1..] : $"$.bundles[{index}].{where}";

    private static void CheckScope(EvidenceSet set, Fail fail)
    {
        var scope = set.Scope;
        if (scope.Kind == EvidenceSet.Starred)
        {
            if (scope.Output is not null)
                fail(SetCheck, null, "null", "an event id", "a set of starred events names no output", "$.scope.output");
            return;
        }
        if (scope.Kind != EvidenceSet.Lineage)
        {
            fail(SetCheck, null, $"{EvidenceSet.Starred} or {EvidenceSet.Lineage}", SignedHeadChecks.Truncated(scope.Kind), "unknown scope kind", "$.scope.kind");
            return;
        }
        // Every event's id and lineage inputs, read from its record (an unreadable record has its finding already).
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var derived = new List<(int Bundle, int Event, long Seq, string[] Inputs)>();
        for (var b = 0; b < set.Bundles.Count; b++)
        {
            var events = set.Bundles[b].Events;
            for (var e = 0; e < events.Count; e++)
            {
                try
                {
                    using var record = JsonDocument.Parse(events[e].Canonical);
                    var root = record.RootElement;
                    if (root.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String)
                        ids.Add(id.GetString()!);
                    if (root.TryGetProperty("lineage", out var lineage) && lineage.ValueKind == JsonValueKind.Object
                        && lineage.TryGetProperty("inputs", out var inputs) && inputs.ValueKind == JsonValueKind.Array)
                        derived.Add((b, e, events[e].Seq, [.. inputs.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]));
                }
                catch (JsonException)
                {
                }
            }
        }
        if (scope.Output is null || !ids.Contains(scope.Output))
            fail(ClosureCheck, null, $"the output {scope.Output ?? "(an event id)"} among the events", "absent",
                "a lineage closure holds its output", "$.scope.output");
        foreach (var (b, e, seq, inputs) in derived)
        {
            foreach (var input in inputs.Where(x => !ids.Contains(x)))
                fail(ClosureCheck, seq, $"input {input} among the events", "absent",
                    $"{Name(b, set.Bundles[b])}: a derived event's input is not in the set, so the closure is incomplete", $"$.bundles[{b}].events[{e}].canonical/lineage.inputs");
        }
    }
}
