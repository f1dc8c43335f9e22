using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Workspace;
using Bunit;
using MudBlazor;

namespace AuditPortal.Tests.Portal;

/// <summary>The member picker: known users matching the text (members left out), picking one hands over the user, a typed id stays.</summary>
public class MemberPickerTests : PortalComponentTest
{
    private static readonly KnownUser[] Known =
    [
        new() { SubjectId = "auditor1", DisplayName = "Ada Auditor", Roles = ["auditor"] },
        new() { SubjectId = "investigator1", DisplayName = "Ivo Investigator", Roles = ["investigator"] },
        new() { SubjectId = "investigator2", DisplayName = "Ines Investigator", Roles = ["investigator", "auditor"] },
    ];

    private readonly List<string?> searched = [];

    /// <summary>As <see cref="KnownUsers.SearchAsync"/> answers: id or name containing the text, any case.</summary>
    private Task<IReadOnlyList<KnownUser>> SearchAsync(string? text, CancellationToken ct)
    {
        searched.Add(text);
        return Task.FromResult<IReadOnlyList<KnownUser>>(Known
            .Where(u => string.IsNullOrEmpty(text) || u.SubjectId.Contains(text, StringComparison.OrdinalIgnoreCase) || u.DisplayName.Contains(text, StringComparison.OrdinalIgnoreCase))
            .ToList());
    }

    private (IRenderedComponent<MudPopoverProvider> Popovers, IRenderedComponent<MemberPicker> Picker) RenderPicker(
        Action<string?> valueChanged, Action<KnownUser> picked, IReadOnlyCollection<string>? exclude = null)
    {
        var popovers = Render<MudPopoverProvider>();
        var picker = Render<MemberPicker>(p => p
            .Add(c => c.Search, SearchAsync)
            .Add(c => c.ValueChanged, valueChanged)
            .Add(c => c.OnPicked, picked)
            .Add(c => c.Exclude, exclude ?? []));
        return (popovers, picker);
    }

    [Fact]
    public void Typing_OffersMatchingKnownUsers_NotMembers_PickingHandsOverTheUser()
    {
        string? value = null;
        KnownUser? picked = null;
        var (popovers, picker) = RenderPicker(v => value = v, u => picked = u, exclude: ["investigator1"]);

        picker.Find("input").Input("investigator");

        popovers.WaitForAssertion(() => popovers.FindAll("[data-testid=member-option]").Select(o => o.TextContent)
            .ShouldBe(["Ines Investigator investigator2 · investigator, auditor"]), TimeSpan.FromSeconds(10));
        searched.ShouldContain("investigator");
        popovers.Find("[data-testid=member-option]").Click();

        picker.WaitForAssertion(() => picked.ShouldNotBeNull().SubjectId.ShouldBe("investigator2"), TimeSpan.FromSeconds(10));
        value.ShouldBe("investigator2");
    }

    [Fact]
    public void NobodyMatches_SaysSo_AndATypedIdStaysTheValue()
    {
        string? value = null;
        KnownUser? picked = null;
        var (popovers, picker) = RenderPicker(v => value = v, u => picked = u);

        picker.Find("input").Input("someone-new");

        popovers.WaitForAssertion(() => popovers.Find("[data-testid=member-none]").TextContent.ShouldContain("type their user id"), TimeSpan.FromSeconds(10));
        picker.Find("input").Blur();
        picker.WaitForAssertion(() => value.ShouldBe("someone-new"), TimeSpan.FromSeconds(10));
        picked.ShouldBeNull("nobody known was picked: the page keeps the name and role it has");
    }
}
