namespace AuditPortal.Data.Schema;

/// <summary>
/// The database roles the migrations grant to. The same migrations build the ledger database and
/// the portal's access-log database; only the role names differ.
/// </summary>
/// <param name="Writer">INSERT + SELECT on the ledger tables; creates subject keys.</param>
/// <param name="Reader">SELECT only (the portal, through the standby).</param>
/// <param name="KeyEraser">Destroys subject keys and records the erasure; nothing else.</param>
public sealed record LedgerRoles(string Writer, string Reader, string KeyEraser)
{
    /// <summary>Roles of the audit ledger database.</summary>
    public static LedgerRoles Ledger { get; } = new("ledger_writer", "ledger_reader", "ledger_key_eraser");

    /// <summary>Roles of the portal's access-log database (<c>portal</c>).</summary>
    public static LedgerRoles AccessLog { get; } = new("accesslog_writer", "accesslog_reader", "accesslog_key_eraser");

    internal IEnumerable<string> All => [Writer, Reader, KeyEraser];

    internal void Validate()
    {
        foreach (var name in All)
        {
            if (string.IsNullOrWhiteSpace(name))
                throw new ArgumentException("role names must not be empty");
            if (name.Length > 63)
                throw new ArgumentException($"role name '{name}' is longer than PostgreSQL's 63-byte identifier limit");
        }
        if (All.Distinct(StringComparer.Ordinal).Count() != 3)
            throw new ArgumentException($"writer, reader and key-eraser must be different roles, got {Writer}, {Reader}, {KeyEraser}");
    }
}
