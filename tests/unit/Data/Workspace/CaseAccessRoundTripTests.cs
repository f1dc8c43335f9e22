using System.Data.Common;
using AuditPortal.Data.Workspace;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AuditPortal.Tests.Data.Workspace;

/// <summary>The per-query grant check is one statement (one round trip) whether the caller holds 1 grant or 200.</summary>
public sealed class CaseAccessRoundTripTests(WorkspaceDatabaseFixture fixture) : IClassFixture<WorkspaceDatabaseFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private sealed class CommandCounter : DbCommandInterceptor
    {
        public int Commands;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Commands);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    private async Task<Guid> CaseWithGrantsAsync(string investigator, int grants)
    {
        await using var db = fixture.Context();
        var caseId = Guid.NewGuid();
        var opened = new InvestigationCase { Id = caseId, Title = "t", Purpose = "purpose of the case", Status = CaseStatus.Open, OwnerSubject = investigator, OwnerName = investigator, OpenedAt = T0 };
        opened.Members.Add(new CaseMember { CaseId = caseId, SubjectId = investigator, DisplayName = investigator, Role = "investigator", AddedAt = T0, AddedBy = investigator });
        db.Cases.Add(opened);
        for (var i = 0; i < grants; i++)
        {
            db.UnmaskGrants.Add(new UnmaskGrant
            {
                Id = Guid.NewGuid(), CaseId = caseId, GranteeSubject = investigator, GranteeName = investigator, DataSubject = $"subj-{i:D6}",
                Reason = "reason for the grant", GrantedAt = T0, ExpiresAt = T0.AddHours(1 + i % 3), AccessLogSeq = Random.Shared.NextInt64(1, long.MaxValue),
            });
        }
        // Expired and revoked grants are not live.
        db.UnmaskGrants.Add(new UnmaskGrant { Id = Guid.NewGuid(), CaseId = caseId, GranteeSubject = investigator, GranteeName = investigator, DataSubject = "subj-old",
            Reason = "expired one", GrantedAt = T0.AddHours(-3), ExpiresAt = T0.AddHours(-2), AccessLogSeq = Random.Shared.NextInt64(1, long.MaxValue) });
        db.UnmaskGrants.Add(new UnmaskGrant { Id = Guid.NewGuid(), CaseId = caseId, GranteeSubject = investigator, GranteeName = investigator, DataSubject = "subj-revoked",
            Reason = "revoked one", GrantedAt = T0, ExpiresAt = T0.AddHours(1), RevokedAt = T0.AddMinutes(1), RevokedBy = investigator, AccessLogSeq = Random.Shared.NextInt64(1, long.MaxValue) });
        await db.SaveChangesAsync();
        return caseId;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(200)]
    public async Task LoadAsync_AnyNumberOfGrants_OneStatement(int grants)
    {
        var investigator = "inv-" + Guid.NewGuid().ToString("N")[..8];
        var caseId = await CaseWithGrantsAsync(investigator, grants);
        var counter = new CommandCounter();
        await using var db = new WorkspaceDbContext(WorkspaceDbContext.Configure(new DbContextOptionsBuilder<WorkspaceDbContext>(), fixture.Db.WriterConnectionString)
            .AddInterceptors(counter).Options);

        var access = await CaseAccess.LoadAsync(db, caseId, investigator, T0.AddMinutes(30), CancellationToken.None);

        counter.Commands.ShouldBe(1);
        access.ShouldNotBeNull().LiveGrants.Count.ShouldBe(grants);
        access.LiveGrants.ShouldNotContain(g => g.DataSubject == "subj-old" || g.DataSubject == "subj-revoked");
        access.MemberRole.ShouldBe("investigator");
    }

    [Fact]
    public async Task LoadAsync_NotAMember_NullInOneStatement()
    {
        var caseId = await CaseWithGrantsAsync("inv-owner-" + Guid.NewGuid().ToString("N")[..6], 3);
        var counter = new CommandCounter();
        await using var db = new WorkspaceDbContext(WorkspaceDbContext.Configure(new DbContextOptionsBuilder<WorkspaceDbContext>(), fixture.Db.WriterConnectionString)
            .AddInterceptors(counter).Options);

        (await CaseAccess.LoadAsync(db, caseId, "stranger", T0, CancellationToken.None)).ShouldBeNull();
        counter.Commands.ShouldBe(1);
    }
}
