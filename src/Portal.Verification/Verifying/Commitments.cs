using System.Globalization;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Verifying;

/// <summary>
/// The checkpoint table and the witness as a list of roots to reproduce, plus the checks that need
/// no ledger rows: signatures, and whether table and witness agree on which sizes exist.
/// </summary>
internal static class Commitments
{
    public static Target[] Targets(LedgerVerifierOptions options) =>
        options.Checkpoints.Select(c => new Target(c.Checkpoint.Size, c.Checkpoint.RootHash, false, c.Checkpoint.StreamHeads))
            .Concat((options.Witness ?? []).Where(w => w.Signed is not null)
                .Select(w => new Target(w.Signed!.Checkpoint.Size, w.Signed.Checkpoint.RootHash, true, w.Signed.Checkpoint.StreamHeads)))
            .OrderBy(t => t.Size).ThenBy(t => t.FromWitness)
            .ToArray();

    public static IEnumerable<Finding> Audit(LedgerVerifierOptions options)
    {
        static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
        var key = options.PublicKey;
        foreach (var c in options.Checkpoints)
        {
            if (key is not null && !key.Verifies(c))
            {
                yield return new Finding(FindingKind.CheckpointSignatureInvalid, c.Checkpoint.Size, null, null,
                    $"a signature by key {key.KeyId}", Convert.ToBase64String(c.Signature),
                    $"checkpoint of size {N(c.Checkpoint.Size)} in the checkpoint table has an invalid signature");
            }
            else if (key is not null && CheckpointNoteCheck.Problem(c, key, options.Ed25519PublicKey) is { } problem)
            {
                yield return new Finding(FindingKind.CheckpointSignatureInvalid, c.Checkpoint.Size, null, null,
                    "a signed note with valid signatures", "invalid",
                    $"checkpoint of size {N(c.Checkpoint.Size)} in the checkpoint table: {problem}");
            }
        }
        if (options.Witness is not { } witness)
            yield break;
        foreach (var w in witness)
        {
            if (w.Signed is not { } s)
            {
                yield return new Finding(FindingKind.WitnessNotInLedger, null, null, null, "a checkpoint text",
                    w.Error ?? "unreadable", $"witness file {w.FileName} is not a valid checkpoint");
                continue;
            }
            if (key is not null && !key.Verifies(s))
            {
                yield return new Finding(FindingKind.CheckpointSignatureInvalid, s.Checkpoint.Size, null, null,
                    $"a signature by key {key.KeyId}", Convert.ToBase64String(s.Signature),
                    $"witness checkpoint {w.FileName} has an invalid signature");
            }
            else if (key is not null && CheckpointNoteCheck.Problem(s, key, options.Ed25519PublicKey) is { } problem)
            {
                yield return new Finding(FindingKind.CheckpointSignatureInvalid, s.Checkpoint.Size, null, null,
                    "a signed note with valid signatures", "invalid", $"witness checkpoint {w.FileName}: {problem}");
            }
        }
        var witnessSizes = witness.Where(w => w.Signed is not null).Select(w => w.Signed!.Checkpoint.Size).ToHashSet();
        var tableSizes = options.Checkpoints.Select(c => c.Checkpoint.Size).ToHashSet();
        foreach (var c in options.Checkpoints.Where(c => !witnessSizes.Contains(c.Checkpoint.Size)))
        {
            yield return new Finding(FindingKind.CheckpointMissingFromWitness, c.Checkpoint.Size, null, null,
                $"witness file {WitnessDirectory.FileStem(c.Checkpoint.Size)}.txt", "absent",
                $"checkpoint of size {N(c.Checkpoint.Size)} was never written to the witness");
        }
        foreach (var s in witnessSizes.Where(s => !tableSizes.Contains(s)).Order())
        {
            yield return new Finding(FindingKind.WitnessNotInLedger, s, null, null,
                $"a checkpoint-table row of size {N(s)}", "absent",
                $"the witness holds a checkpoint of size {N(s)} that the checkpoint table lacks");
        }
    }
}
