using AuditPortal.Portal.Shared;
using Microsoft.Extensions.Time.Testing;

namespace AuditPortal.Tests.Portal;

public class PrerenderedViewsTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    private sealed record View(string Name);

    [Fact]
    public void Take_SameOwnerInTime_GivesTheValueOnce()
    {
        var views = new PrerenderedViews(time);
        var view = new View("timeline");
        var token = views.Keep(view, "ada").ShouldNotBeNull();

        views.Take<View>(token, "ada").ShouldBeSameAs(view);
        views.Take<View>(token, "ada").ShouldBeNull("a prerendered view is handed over once");
        views.Count.ShouldBe(0);
    }

    [Fact]
    public void Take_OtherOwner_GivesNothingAndDropsIt()
    {
        var views = new PrerenderedViews(time);
        var token = views.Keep(new View("timeline"), "ada")!;

        views.Take<View>(token, "mallory").ShouldBeNull();
        views.Take<View>(token, "ada").ShouldBeNull("a token tried by the wrong user is spent");
    }

    [Fact]
    public void Take_AfterLifetime_GivesNothing()
    {
        var views = new PrerenderedViews(time);
        var token = views.Keep(new View("timeline"), "ada")!;

        time.Advance(PrerenderedViews.Lifetime);

        views.Take<View>(token, "ada").ShouldBeNull();
    }

    [Fact]
    public void Keep_AfterALifetime_SweepsOutExpiredValuesThatNoCircuitTook()
    {
        var views = new PrerenderedViews(time);
        views.Keep(new View("never taken 1"), "ada");
        views.Keep(new View("never taken 2"), "ada");
        time.Advance(TimeSpan.FromSeconds(10));
        var young = views.Keep(new View("taken later"), "ada")!;
        views.Count.ShouldBe(3, "nothing has expired yet, so nothing is swept");

        time.Advance(PrerenderedViews.Lifetime - TimeSpan.FromSeconds(5));
        views.Keep(new View("next request"), "ada");

        views.Count.ShouldBe(2, "the two values no circuit took within their lifetime are dropped, not held until the store is full");
        views.Take<View>(young, "ada").ShouldNotBeNull("a value still within its lifetime stays");
    }

    [Fact]
    public void Take_JustBeforeLifetime_GivesTheValue()
    {
        var views = new PrerenderedViews(time);
        var token = views.Keep(new View("timeline"), "ada")!;

        time.Advance(PrerenderedViews.Lifetime - TimeSpan.FromMilliseconds(1));

        views.Take<View>(token, "ada").ShouldNotBeNull();
    }

    [Fact]
    public void Take_WrongTypeOrUnknownToken_GivesNothing()
    {
        var views = new PrerenderedViews(time);
        var token = views.Keep(new View("timeline"), "ada")!;

        views.Take<string>(token, "ada").ShouldBeNull();
        views.Take<View>("not-a-token", "ada").ShouldBeNull();
    }

    [Fact]
    public void Keep_Full_RefusesUntilEntriesExpire()
    {
        var views = new PrerenderedViews(time);
        for (var i = 0; i < PrerenderedViews.Capacity; i++)
            views.Keep(new View("v" + i), "ada").ShouldNotBeNull();

        views.Keep(new View("one too many"), "ada").ShouldBeNull("prerenders without a circuit must not grow memory without bound");

        time.Advance(PrerenderedViews.Lifetime);
        views.Keep(new View("after expiry"), "ada").ShouldNotBeNull();
        views.Count.ShouldBe(1);
    }

    [Fact]
    public void Keep_Full_SweepsAtMostOncePerFullSweepInterval()
    {
        var views = new PrerenderedViews(time);
        views.Keep(new View("oldest"), "ada");
        time.Advance(TimeSpan.FromMilliseconds(500));
        for (var i = 1; i < PrerenderedViews.Capacity; i++)
            views.Keep(new View("v" + i), "ada").ShouldNotBeNull();

        time.Advance(PrerenderedViews.Lifetime - TimeSpan.FromMilliseconds(500)); // the oldest has just expired
        views.Keep(new View("frees the oldest"), "ada").ShouldNotBeNull("a full store sweeps before it refuses");
        views.Keep(new View("one too many"), "ada").ShouldBeNull();

        time.Advance(TimeSpan.FromMilliseconds(500)); // now every value of the loop has expired too
        views.Keep(new View("within the interval"), "ada").ShouldBeNull("a full store sweeps once per interval, not on every request");
        views.Count.ShouldBe(PrerenderedViews.Capacity);

        time.Advance(PrerenderedViews.FullSweepInterval - TimeSpan.FromMilliseconds(500));
        views.Keep(new View("after the interval"), "ada").ShouldNotBeNull();
        views.Count.ShouldBe(2, "the sweep dropped all but the value kept after the oldest expired, and this one");
    }

    [Fact]
    public void Keep_Tokens_AreUnguessableAndDistinct()
    {
        var views = new PrerenderedViews(time);
        var a = views.Keep(new View("a"), "ada")!;
        var b = views.Keep(new View("b"), "ada")!;

        a.ShouldNotBe(b);
        a.Length.ShouldBe(64, "256 random bits, hex");
    }
}
