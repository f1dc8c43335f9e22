namespace AuditPortal.Data.Lineage;

/// <summary>
/// "This event is a stale output" as one SQL predicate (docs/lineage.md): it has lineage, and some event that
/// supersedes one of its inputs was recorded after it (a higher seq). Served by the supersedes index, one probe
/// per input. <see cref="LineageQuery.StaleAmongAsync"/> lists the same corrections; the tests hold both to the
/// in-memory reference.
/// </summary>
public static class StaleOutputSql
{
    /// <summary>The predicate for the events row aliased <paramref name="alias"/> (a fixed SQL identifier, never user input).</summary>
    /// <param name="ledgerSize">A SQL parameter placeholder: only corrections with <c>seq</c> ≤ it count (the ledger as it stood); null: all.</param>
    public static string Predicate(string alias, string? ledgerSize = null) =>
        $"({alias}.lineage_inputs IS NOT NULL AND EXISTS (SELECT 1 FROM unnest({alias}.lineage_inputs) AS stale_input(id) " +
        $"JOIN ledger.events stale_by ON stale_by.supersedes = stale_input.id AND stale_by.seq > {alias}.seq" +
        (ledgerSize is null ? "" : $" AND stale_by.seq <= {ledgerSize}") + "))";
}
