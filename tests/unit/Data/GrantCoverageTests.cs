using AuditPortal.Data.PersonalData;
using AuditPortal.Evidence;
using AuditPortal.Portal.Redaction;

namespace AuditPortal.Tests.Data;

/// <summary>The one rule of what a grant reveals, and the two places that use it (a query's reveal scope, an export's presenter) agree.</summary>
public sealed class GrantCoverageTests
{
    public static TheoryData<string, string?, string, string, bool> Cases => new()
    {
        { "subj-1", null, "subj-1", "tax_id", true },          // a subject grant: every field
        { "subj-1", null, "subj-2", "tax_id", false },         // of its subject only
        { "subj-1", "tax_id", "subj-1", "tax_id", true },      // a field grant: that field
        { "subj-1", "tax_id", "subj-1", "address", false },    // and no other
        { "subj-1", "tax_id", "subj-1", "TAX_ID", false },     // names compare exactly
        { "subj-1", null, "SUBJ-1", "tax_id", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Covers_AndBothUsersAgree(string grantSubject, string? grantField, string subject, string field, bool covered)
    {
        GrantCoverage.Covers(grantSubject, grantField, subject, field).ShouldBe(covered);
        new RevealScope([(grantSubject, grantField)]).Covers(subject, field).ShouldBe(covered);
        new RevealingGrant(Guid.NewGuid(), grantSubject, grantField, "reason for the grant").Covers(subject, field).ShouldBe(covered);
    }

    [Fact]
    public void RevealScope_AnyOfASubjectsGrantsCovers()
    {
        var scope = new RevealScope([("subj-1", "tax_id"), ("subj-1", "address"), ("subj-2", null)]);

        (scope.Covers("subj-1", "tax_id"), scope.Covers("subj-1", "address"), scope.Covers("subj-1", "holder_name")).ShouldBe((true, true, false));
        scope.Covers("subj-2", "anything").ShouldBeTrue();
        scope.Covers("subj-3", "tax_id").ShouldBeFalse();
        RevealScope.None.Covers("subj-1", "tax_id").ShouldBeFalse();
    }
}
