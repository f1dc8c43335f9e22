using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Verifying;

/// <summary>Receives one row; its spans are valid only during the call.</summary>
public delegate void LedgerRowSink(in EventFields row);

/// <summary>
/// Reads the rows with <c>from ≤ seq ≤ to</c> in seq order into <paramref name="sink"/>, synchronously on the
/// calling thread (the verifier calls it on a thread of its own, at its priority), and returns at the end. Throws
/// <see cref="OperationCanceledException"/> when cancelled.
/// </summary>
public delegate void LedgerRowFeed(long from, long to, LedgerRowSink sink, CancellationToken cancellationToken);
