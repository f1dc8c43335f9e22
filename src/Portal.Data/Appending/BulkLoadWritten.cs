namespace AuditPortal.Data.Appending;

/// <summary>
/// The event ids and idempotency keys a bulk-loading <see cref="LedgerAppender"/> has planned (written, or
/// being written: LedgerAppender.Bulk.cs), kept in
/// memory because <see cref="Schema.LedgerBulkLoad"/> drops their unique indexes for the load (maintaining
/// them row by row was half of the server's CPU per row: docs/performance.md §1), so probing the table per
/// batch would scan it.
/// </summary>
/// <remarks>
/// Exact because the ledger was empty when the load began and nobody else appends (checked per batch by
/// <see cref="BulkLoadHeads.EnsureNoOtherWriter"/>): every id or key in the ledger was written through here.
/// Ids are kept whole (about 28 bytes each), since references to them are looked up on every batch. Keys
/// are kept as 64-bit fingerprints (about 20 bytes each instead of the string): a fingerprint that matches
/// only says the key <em>may</em> be in the ledger, and the appender then asks the table for that key once
/// every earlier batch is committed, which is exact but slow without the index; that happens for a real duplicate (a retried event) and,
/// almost never, for a fingerprint collision. The restored unique constraints check every row at the end.
/// </remarks>
internal sealed class BulkLoadWritten
{
    private readonly HashSet<Guid> ids = [];
    private readonly HashSet<ulong> keys = [];

    public bool ContainsId(Guid id) => ids.Contains(id);

    /// <summary>Whether <paramref name="key"/> may be in the ledger (false: it certainly is not).</summary>
    public bool MayContainKey(string key) => keys.Contains(Fingerprint(key));

    /// <summary>Records one planned event.</summary>
    public void Add(Guid id, string? key)
    {
        ids.Add(id);
        if (key is not null)
            keys.Add(Fingerprint(key));
    }

    /// <summary>FNV-1a over the UTF-16 code units: stable, no allocation, and good enough to make a false match rare.</summary>
    internal static ulong Fingerprint(string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in key)
        {
            hash = (hash ^ (byte)c) * 1099511628211UL;
            hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
        }
        return hash;
    }
}
