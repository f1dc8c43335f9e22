using AuditPortal.Portal.Workspace;

namespace AuditPortal.Tests.Portal;

public sealed class GrantRevocationsTests
{
    [Fact]
    public void Publish_TellsEachGrantOnce_EvenWhenItsNotificationComesBack()
    {
        var revocations = new GrantRevocations();
        var told = new List<Guid>();
        revocations.Revoked += told.Add;
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();

        revocations.Publish(a);
        revocations.Publish(a);
        revocations.Publish(b);
        revocations.Publish(a);

        told.ShouldBe([a, b]);
    }

    [Fact]
    public void Publish_ForgetsTheOldestIdsBeyondItsMemory_SoItStaysBounded()
    {
        var revocations = new GrantRevocations();
        var told = 0;
        revocations.Revoked += _ => told++;
        var first = Guid.NewGuid();

        revocations.Publish(first);
        for (var i = 0; i < 1024; i++)
            revocations.Publish(Guid.NewGuid());
        revocations.Publish(first);

        told.ShouldBe(1026, "the first id fell out of the remembered 1,024 and is told again: harmless, one more reload");
    }
}
