namespace AuditPortal.Data.Schema;

/// <summary>
/// Applies the portal database's own migrations (<c>PortalMigrations/V###__name.sql</c>: the
/// verification-run registry), recorded in <c>portal.schema_migrations</c>. A separate set from the
/// ledger's: the ledger database never gets these tables. Run after
/// <see cref="LedgerMigrator.MigrateAsync"/> with <see cref="LedgerRoles.AccessLog"/> on the same database.
/// </summary>
public static class PortalMigrator
{
    /// <summary>Advisory lock key ("apportal" in ASCII).</summary>
    public const long AdvisoryLockKey = 0x6170706F7274616C;

    public static IReadOnlyList<Migration> Migrations { get; } = LedgerMigrator.LoadMigrations("AuditPortal.Data.PortalMigrations.");

    /// <param name="superuserConnectionString">A role that may create objects in the portal database.</param>
    /// <param name="roles">The portal database's roles (normally <see cref="LedgerRoles.AccessLog"/>): the writer is the portal's connection role.</param>
    public static Task<IReadOnlyList<int>> MigrateAsync(string superuserConnectionString, LedgerRoles? roles = null, CancellationToken ct = default) =>
        LedgerMigrator.ApplyAsync(superuserConnectionString, roles ?? LedgerRoles.AccessLog, Migrations, "portal", AdvisoryLockKey, ct);
}
