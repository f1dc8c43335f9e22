using AuditPortal.Data.Proofs;
using AuditPortal.Evidence;
using AuditPortal.Portal.Evidence;
using AuditPortal.Verification.Ledger;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Portal;

/// <summary>The export dialog's preview: events, stream, scope, checkpoint, and each personal field as the PDF will print it under the grants.</summary>
public class ExportPreviewViewTests : PortalComponentTest
{
    private static readonly StreamKey Stream = new("customer", "cust-000042");
    private static readonly RevealingGrant SubjectGrant = new(Guid.Parse("0193a000-0000-7000-8000-000000000001"), "subj-a", null, "Disputed tax form");
    private static readonly RevealingGrant FieldGrant = new(Guid.Parse("0193a000-0000-7000-8000-000000000002"), "subj-b", "email", "Confirm the contact address");

    private static ExportPreview Preview(ExportScope scope, params PreviewField[] fields) =>
        new(scope, 1_200, 17, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), new DateTime(2026, 2, 3, 4, 5, 6, DateTimeKind.Utc), fields);

    [Fact]
    public void EachField_ShowsRevealedUnderItsGrant_MaskedOrErased()
    {
        var preview = Preview(new ExportScope(Stream, null),
            new PreviewField("subj-a", "name", 3, false),
            new PreviewField("subj-b", "email", 2, false),
            new PreviewField("subj-b", "name", 2, false),   // a field grant covers only its field
            new PreviewField("subj-c", "name", 1, true));   // erased: erased, grant or not
        var view = Render<ExportPreviewView>(p => p.Add(v => v.Preview, preview).Add(v => v.Grants, [SubjectGrant, FieldGrant]));

        view.Find("[data-testid=preview-stream]").TextContent.ShouldBe("customer/cust-000042");
        view.Find("[data-testid=preview-scope]").TextContent.ShouldBe("the whole stream");
        view.Find("[data-testid=preview-count]").TextContent.ShouldBe("17, occurred 2026-01-02 03:04:05.000 UTC … 2026-02-03 04:05:06.000 UTC");
        view.Find("[data-testid=preview-checkpoint]").TextContent.ShouldContain("size 1,200");
        var shown = view.FindAll("[data-testid=preview-field-shown]").Select(c => c.TextContent.Trim()).ToArray();
        shown.ShouldBe([
            $"revealed under grant {SubjectGrant.Id} (Disputed tax form)",
            $"revealed under grant {FieldGrant.Id} (Confirm the contact address)",
            "masked",
            "erased",
        ]);
    }

    [Fact]
    public void WithoutGrants_EverythingIsMasked_AndAWindowSaysPartial()
    {
        var window = new StreamWindow(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc));
        var preview = Preview(new ExportScope(Stream, window), new PreviewField("subj-a", "name", 3, false));
        var view = Render<ExportPreviewView>(p => p.Add(v => v.Preview, preview));

        view.Find("[data-testid=preview-scope]").TextContent.ShouldContain("from 2026-01-01T00:00:00.000000Z to 2026-02-01T00:00:00.000000Z (UTC): a partial bundle");
        view.FindAll("[data-testid=preview-field-shown]").Select(c => c.TextContent.Trim()).ShouldBe(["masked"]);
    }

    [Fact]
    public void NoPersonalData_SaysSo()
    {
        var view = Render<ExportPreviewView>(p => p.Add(v => v.Preview, Preview(new ExportScope(Stream, null))));
        view.Find("[data-testid=preview-no-fields]").TextContent.ShouldContain("no personal data");
        view.FindAll("[data-testid=preview-field]").ShouldBeEmpty();
    }
}

/// <summary>The dialog's scopes that span several streams: the preview names the scope and each stream with its count.</summary>
public class ExportPreviewSetScopeTests : PortalComponentTest
{
    private static ExportPreview Preview(ExportScope scope, IReadOnlyList<PreviewStream> streams, string? problem = null) =>
        new(scope, 1_200, streams.Sum(s => s.EventCount), null, null, [new PreviewField("subj-a", "name", 1, false)], streams, problem);

    [Fact]
    public void StarredEvents_ListEveryStreamWithItsCount()
    {
        var preview = Preview(ExportScope.Starred, [new(new StreamKey("account", "acc-000001"), 2), new(new StreamKey("customer", "cust-000042"), 1)]);
        var view = Render<ExportPreviewView>(p => p.Add(v => v.Preview, preview));

        view.Find("[data-testid=preview-scope]").TextContent.ShouldBe("the case's starred events: one partial bundle per stream");
        view.FindAll("[data-testid=preview-stream]").Select(s => s.TextContent.Trim()).ShouldBe(["account/acc-000001 — 2 events", "customer/cust-000042 — 1 event"]);
        view.Find("[data-testid=preview-count]").TextContent.ShouldStartWith("3");
        view.FindAll("[data-testid=preview-field-shown]").Select(c => c.TextContent.Trim()).ShouldBe(["masked"]);
    }

    [Fact]
    public void LineageClosure_NamesTheOutput_AndNoStreamSaysNone()
    {
        var output = Guid.Parse("018df3a0-5c00-7000-8000-000000000004");
        var view = Render<ExportPreviewView>(p => p.Add(v => v.Preview, Preview(ExportScope.LineageOf(output), [])));

        view.Find("[data-testid=preview-scope]").TextContent.ShouldContain($"output {output:D} and every input it was derived from, recursively");
        view.Find("[data-testid=preview-streams]").TextContent.Trim().ShouldBe("none");
        view.FindAll("[data-testid=preview-stream]").ShouldBeEmpty();
    }

    [Fact]
    public void Scopes_NameThemselvesInTheCaseList()
    {
        ExportScope.Starred.ToString().ShouldBe("starred events");
        ExportScope.Starred.IsSet.ShouldBeTrue();
        ExportScope.LineageOf(Guid.Parse("018df3a0-5c00-7000-8000-000000000004")).ToString().ShouldBe("lineage of 018df3a0-5c00-7000-8000-000000000004");
        new ExportScope(new StreamKey("account", "acc-1"), null).IsSet.ShouldBeFalse();
    }
}

/// <summary>"Export starred events…" and "Export with lineage…": shown to investigators working in a case (the starred one only in that case).</summary>
public class SetExportButtonTests : PortalComponentTest
{
    private static readonly Guid CaseId = Guid.Parse("0193a000-0000-7000-8000-0000000000c1");

    private IRenderedComponent<SetExportButton> RenderButton(string? role, Guid? activeCase, Guid? buttonCase)
    {
        var active = new AuditPortal.Portal.Workspace.ActiveCase(new Microsoft.AspNetCore.Http.HttpContextAccessor());
        active.CaptureForCircuit(activeCase?.ToString("D"));
        Services.AddSingleton(active);
        var auth = AddAuthorization();
        if (role is not null)
        {
            auth.SetAuthorized("inv1");
            auth.SetRoles(role);
        }
        return Render<SetExportButton>(p => p.Add(b => b.Scope, ExportScope.Starred).Add(b => b.Label, "Export starred events…")
            .Add(b => b.TestId, "export-starred-open").Add(b => b.Case, buttonCase));
    }

    [Fact]
    public void Investigator_InTheActiveCase_SeesTheButton()
    {
        var button = RenderButton("investigator", CaseId, CaseId);
        button.Find("[data-testid=export-starred-open]").TextContent.ShouldContain("Export starred events…");
    }

    [Theory]
    [InlineData("auditor", true)]
    [InlineData(null, true)]
    [InlineData("investigator", false)]
    public void NoButton_ForOtherRoles_OrWithoutTheCase(string? role, bool inCase)
    {
        var button = RenderButton(role, inCase ? CaseId : null, CaseId);
        button.FindAll("[data-testid=export-starred-open]").ShouldBeEmpty();
    }

    [Fact]
    public void NoStarredButton_WhenAnotherCaseIsActive()
    {
        var button = RenderButton("investigator", Guid.Parse("0193a000-0000-7000-8000-0000000000c2"), CaseId);
        button.FindAll("[data-testid=export-starred-open]").ShouldBeEmpty();
    }
}
