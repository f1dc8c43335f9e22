using System.Security.Claims;
using System.Text.Json.Nodes;
using AuditPortal.Data.Checkpoints;
using AuditPortal.Data.Reading;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Redaction;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Portal.Verification;

/// <summary>One tree size as the checkpoint table and the witness see it, with what is wrong with it.</summary>
/// <param name="Problems">Human-readable flags: signature, table/witness disagreement, and the last full pass's findings at this size.</param>
public sealed record CheckpointRow(
    long Size,
    DateTime? Time,
    string? TableRoot,
    bool? TableSignatureValid,
    string? WitnessRoot,
    bool? WitnessSignatureValid,
    string? WitnessFile,
    IReadOnlyList<string> Problems);

/// <summary>The checkpoints page: every size, the head, and the full pass the root checks come from.</summary>
public sealed record CheckpointsView(
    IReadOnlyList<CheckpointRow> Rows,
    long HeadSeq,
    bool WitnessConfigured,
    string? KeyProblem,
    VerificationRun? LastFullPass,
    IReadOnlyList<string> LedgerProblems) : IRedactable
{
    public IEnumerable<JsonObject> Payloads => [];
}

/// <summary>
/// Checkpoints and the witness through the gateway (<see cref="QueryKinds.CheckpointsRead"/>). Signatures
/// and the table-versus-witness comparison are checked here on every view; whether a root matches
/// the tree recomputed from the rows comes from the verifier's findings of the last full pass (a run
/// over the whole ledger), which the page names.
/// </summary>
public sealed class CheckpointsQuery(QueryGateway gateway, PortalVerificationBackend backend)
{
    private static readonly FindingKind[] CheckpointKinds =
    [
        FindingKind.CheckpointRootMismatch, FindingKind.WitnessMismatch, FindingKind.StreamHeadsMismatch, FindingKind.HeadTruncated,
        FindingKind.WitnessNotInLedger, FindingKind.CheckpointMissingFromWitness, FindingKind.CheckpointSignatureInvalid,
    ];

    public async Task<GatewayResult<CheckpointsView>> LoadAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var lastFull = backend.Store is { } store ? await store.LastFullPassAsync(ct) : null;
        var fullFindings = lastFull is not null && backend.Store is { } s
            ? (await s.FindingsAsync(lastFull.Id, ct: ct)).Select(f => f.Finding).Where(f => CheckpointKinds.Contains(f.Kind)).ToList()
            : [];
        return await gateway.RunAsync(QueryKinds.CheckpointsRead, user, new { }, purpose: null, async (session, token) =>
        {
            var (table, head) = await ReadAsync(session, null, null, token);
            var view = Build(table, head, backend.ExistingWitness?.ReadAll(), backend.PublicKey, lastFull, fullFindings);
            if (backend.Witness is { } configured && backend.ExistingWitness is null)
                view = view with { LedgerProblems = [.. view.LedgerProblems, $"The witness directory {configured.Path} does not exist: nothing to compare the head with."] };
            return QueryAnswer.Of(view, RecordIds(table));
        }, ct);
    }

    /// <summary>
    /// The page as it stood, for "what did they see" (docs/access-log-review.md): the table's checkpoints up to the one
    /// that was the latest then (<paramref name="checkpointSize"/>) and the head then, their signatures checked; the
    /// witness directory and the last full pass are today's and not part of what is compared, so they are left out.
    /// </summary>
    public static Func<ReplicaSession, CancellationToken, Task<QueryAnswer<CheckpointsView>>> AsItStood(long ledgerSize, long checkpointSize, CheckpointPublicKey? key) =>
        async (session, token) =>
        {
            var (table, head) = await ReadAsync(session, ledgerSize, checkpointSize, token);
            return QueryAnswer.Of(Build(table, head, witness: null, key, lastFull: null, []), RecordIds(table));
        };

    /// <summary>The checkpoint table's rows and the ledger's head, each up to its bound (null: as they are now).</summary>
    private static async Task<(IReadOnlyList<StoredCheckpoint> Table, long Head)> ReadAsync(ReplicaSession session, long? ledgerSize, long? checkpointSize,
        CancellationToken ct)
    {
        var table = await CheckpointStore.ReadRowsAsync(session.Connection, session.Transaction, checkpointSize, ct);
        // Now: the head the gateway's snapshot recorded; as it stood: the head of that snapshot's ledger size.
        return (table, ledgerSize is null ? session.LedgerSize : await LedgerHeadQuery.SeqAsync(session.Connection, session.Transaction, ledgerSize, ct));
    }

    /// <summary>What the page showed: the table's checkpoints.</summary>
    private static List<string> RecordIds(IEnumerable<StoredCheckpoint> table) => table.Select(t => RecordId.Checkpoint(t.Size)).ToList();

    internal static CheckpointsView Build(IReadOnlyList<StoredCheckpoint> table, long head,
        IReadOnlyList<WitnessEntry>? witness, CheckpointPublicKey? key, VerificationRun? lastFull, IReadOnlyList<Finding> fullFindings)
    {
        var bySize = new SortedDictionary<long, (CheckpointRowBuilder Row, int _)>();
        CheckpointRowBuilder At(long size)
        {
            if (!bySize.TryGetValue(size, out var entry))
                bySize[size] = entry = (new CheckpointRowBuilder(size), 0);
            return entry.Row;
        }

        foreach (var t in table)
        {
            var row = At(t.Size);
            row.Time = t.Time;
            row.TableRoot = HashHex.ToHex(t.RootHash);
            if (t.Problem is { } problem)
            {
                row.TableSignatureValid = false; // what the verifier reports for such a row (CheckpointStore)
                row.Problems.Add("the table row is not a signed checkpoint: " + problem);
            }
            else
            {
                row.TableSignatureValid = key?.Verifies(t.Signed);
                if (row.TableSignatureValid == false)
                    row.Problems.Add("the table's signature does not verify");
            }
            if (t.Size > head)
                row.Problems.Add(FormattableString.Invariant($"the ledger head ({head}) is behind this checkpoint"));
        }
        var ledgerProblems = new List<string>();
        foreach (var w in witness ?? [])
        {
            if (w.Signed is not { } signed)
            {
                ledgerProblems.Add($"witness file {w.FileName} is unreadable: {w.Error}");
                continue;
            }
            var row = At(signed.Checkpoint.Size);
            row.WitnessFile = w.FileName;
            row.WitnessRoot = HashHex.ToHex(signed.Checkpoint.RootHash);
            row.WitnessSignatureValid = key?.Verifies(signed);
            row.Time ??= signed.Checkpoint.Time;
            if (row.WitnessSignatureValid == false)
                row.Problems.Add("the witness's signature does not verify");
        }
        foreach (var (size, (row, _)) in bySize)
        {
            if (witness is not null && row.TableRoot is not null && row.WitnessRoot is null)
                row.Problems.Add("missing from the witness");
            if (row.WitnessRoot is not null && row.TableRoot is null)
                row.Problems.Add("the witness has it, the ledger's checkpoint table does not (truncated and reforged?)");
            if (row.WitnessRoot is not null && row.TableRoot is not null && row.WitnessRoot != row.TableRoot)
                row.Problems.Add("the witness's root differs from the table's: history was rewritten");
            if (row.WitnessRoot is not null && size > head && !row.Problems.Any(p => p.StartsWith("the ledger head", StringComparison.Ordinal)))
                row.Problems.Add(FormattableString.Invariant($"the ledger head ({head}) is behind the witness"));
            foreach (var f in fullFindings.Where(f => f.Seq == size))
                row.Problems.Add($"last full pass: {f.Kind}: {f.Message}");
        }
        var maxWitness = witness?.Where(w => w.Signed is not null).Select(w => w.Signed!.Checkpoint.Size).DefaultIfEmpty(0).Max() ?? 0;
        if (maxWitness > head)
            ledgerProblems.Add(FormattableString.Invariant($"The ledger head ({head}) is behind the witness ({maxWitness}): events were removed."));
        return new CheckpointsView(bySize.Values.Select(v => v.Row.Build()).ToList(), head, witness is not null,
            key is null ? "no checkpoint public key is configured: signatures are not checked" : null, lastFull, ledgerProblems);
    }

    private sealed class CheckpointRowBuilder(long size)
    {
        public DateTime? Time;
        public string? TableRoot;
        public bool? TableSignatureValid;
        public string? WitnessRoot;
        public bool? WitnessSignatureValid;
        public string? WitnessFile;
        public List<string> Problems { get; } = [];

        public CheckpointRow Build() =>
            new(size, Time, TableRoot, TableSignatureValid, WitnessRoot, WitnessSignatureValid, WitnessFile, Problems);
    }
}
