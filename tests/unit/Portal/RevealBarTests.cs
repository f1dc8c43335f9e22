using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Workspace;
using Bunit;

namespace AuditPortal.Tests.Portal;

/// <summary>The reveal bar: the grants banner with revoke, the reveal button only for an investigator in a case.</summary>
public class RevealBarTests : PortalComponentTest
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static UnmaskGrant Grant(string subject, string? field) => new()
    {
        Id = Guid.NewGuid(), CaseId = Guid.NewGuid(), GranteeSubject = "inv", GranteeName = "Ivy", DataSubject = subject, FieldName = field,
        Reason = "reason for it", GrantedAt = T0, ExpiresAt = T0.AddHours(1), AccessLogSeq = 7,
    };

    [Theory]
    [InlineData(false, true, false)]   // an auditor in a case
    [InlineData(true, false, false)]   // an investigator without a case: a hint instead
    [InlineData(true, true, true)]
    public void RevealButton_OnlyForAnInvestigatorInACase(bool investigator, bool inCase, bool shown)
    {
        var bar = Render<RevealBar>(p => p.Add(b => b.IsInvestigator, investigator).Add(b => b.InCase, inCase).Add(b => b.HasMasked, true));

        bar.FindAll("[data-testid=reveal]").Count.ShouldBe(shown ? 1 : 0);
        bar.FindAll("[data-testid=reveal-needs-case]").Count.ShouldBe(investigator && !inCase ? 1 : 0);
        bar.FindAll("[data-testid=grant-banner]").ShouldBeEmpty();
    }

    [Fact]
    public void Banner_ListsEachLiveGrant_RevokeNamesIt()
    {
        var grants = new[] { Grant("subj-000001", null), Grant("subj-000002", "iban") };
        Guid? revoked = null;
        var bar = Render<RevealBar>(p => p.Add(b => b.Grants, grants).Add(b => b.IsInvestigator, true).Add(b => b.InCase, true)
            .Add(b => b.OnRevoke, id => revoked = id));

        var rows = bar.FindAll("[data-testid=grant]");
        rows.Count.ShouldBe(2);
        rows[0].TextContent.ShouldContain("subj-000001");
        rows[0].TextContent.ShouldContain("all fields");
        rows[1].TextContent.ShouldContain("iban");
        rows[1].TextContent.ShouldContain("2026-12-04 13:00:00.000 UTC");
        bar.FindAll("[data-testid=grant-revoke]")[1].Click();
        revoked.ShouldBe(grants[1].Id);
    }
}
