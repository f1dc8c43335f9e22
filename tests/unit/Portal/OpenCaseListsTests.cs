using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Workspace;
using Microsoft.Extensions.Time.Testing;

namespace AuditPortal.Tests.Portal;

public class OpenCaseListsTests
{
    private readonly FakeTimeProvider time = new();
    private int reads;

    private Func<CancellationToken, Task<IReadOnlyList<InvestigationCase>>> Reader(string title) => _ =>
    {
        reads++;
        return Task.FromResult<IReadOnlyList<InvestigationCase>>([Case(title)]);
    };

    private static InvestigationCase Case(string title) =>
        new() { Title = title, Purpose = "a purpose", OwnerSubject = "owner", OwnerName = "Owner" };

    [Fact]
    public async Task Get_WithinLifetime_RemembersEachUsersList()
    {
        var lists = new OpenCaseLists(time);
        await lists.GetAsync("ada", Reader("a"), CancellationToken.None);
        await lists.GetAsync("bob", Reader("b"), CancellationToken.None);

        time.Advance(OpenCaseLists.Lifetime - TimeSpan.FromMilliseconds(1));
        var again = await lists.GetAsync("ada", Reader("changed"), CancellationToken.None);

        again.Single().Title.ShouldBe("a");
        reads.ShouldBe(2, "one read per user");
    }

    [Fact]
    public async Task Get_AfterLifetime_ReadsAgain()
    {
        var lists = new OpenCaseLists(time);
        await lists.GetAsync("ada", Reader("a"), CancellationToken.None);

        time.Advance(OpenCaseLists.Lifetime);
        var again = await lists.GetAsync("ada", Reader("changed"), CancellationToken.None);

        again.Single().Title.ShouldBe("changed");
    }

    [Fact]
    public async Task Forget_ACaseChanged_NextViewReadsAgain()
    {
        var lists = new OpenCaseLists(time);
        await lists.GetAsync("ada", Reader("a"), CancellationToken.None);

        lists.Forget();
        var again = await lists.GetAsync("ada", Reader("changed"), CancellationToken.None);

        again.Single().Title.ShouldBe("changed");
    }

    [Fact]
    public async Task Forget_WhileAReadIsUnderway_ThatReadIsNotUsedLater()
    {
        var lists = new OpenCaseLists(time);
        var slow = new TaskCompletionSource<IReadOnlyList<InvestigationCase>>();
        var underway = lists.GetAsync("ada", _ => slow.Task, CancellationToken.None);

        lists.Forget(); // the case changed after that read began: it may hold the old list
        slow.SetResult([Case("before the change")]);
        (await underway).Single().Title.ShouldBe("before the change", "the view that asked gets what it read");

        var next = await lists.GetAsync("ada", Reader("after the change"), CancellationToken.None);
        next.Single().Title.ShouldBe("after the change");
    }
}
