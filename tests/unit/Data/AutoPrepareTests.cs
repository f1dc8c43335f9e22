using AuditPortal.Data;
using Npgsql;

namespace AuditPortal.Tests.Data;

public sealed class AutoPrepareTests
{
    [Fact]
    public void Apply_NotSet_TurnsOnAutoPreparation()
    {
        var applied = new NpgsqlConnectionStringBuilder(AutoPrepare.Apply("Host=db;Username=ledger_reader;Database=ledger"));
        applied.MaxAutoPrepare.ShouldBe(AutoPrepare.MaxStatements);
        applied.AutoPrepareMinUsages.ShouldBe(AutoPrepare.MinUsages);
        applied.Host.ShouldBe("db");
        applied.Database.ShouldBe("ledger");
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Max Auto Prepare=5", 5)]
    public void Apply_SetByOperator_IsLeftAlone(string connectionString, int expected)
    {
        new NpgsqlConnectionStringBuilder(AutoPrepare.Apply(connectionString)).MaxAutoPrepare.ShouldBe(expected);
    }
}
