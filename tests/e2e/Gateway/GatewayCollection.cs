namespace AuditPortal.Tests.E2e.Gateway;

/// <summary>
/// All gateway tests share one seeded ledger/portal database pair and run one class at a time, so
/// counts in the access log belong to the test that reads them (each test also uses its own user names).
/// </summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<LedgerDatabasesFixture>
{
    public const string Name = "gateway";
}
