using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Demo;

/// <summary>
/// One deterministic pass over the demo ledger. Each step emits one to a few events into a small
/// queue; <see cref="Events"/> drains it. All references point backwards: an event only names ids
/// that were emitted before it.
/// </summary>
internal sealed partial class DemoRun
{
    private const int FollowUpCapacity = 4_096;
    private const long TicksPerMicro = 10;

    private readonly DemoOptions options;
    private readonly DemoRandom random;
    private readonly long totalEvents;
    private readonly int accountTarget;
    private readonly long minStepMicros;
    private readonly long maxStepMicros;

    private readonly Queue<NewEvent> pending = new();
    private readonly CanonicalObjectWriter payloadWriter = new(); // the frequent payloads, written without a tree
    private readonly PriorityQueue<DemoFollowUp, (long Due, long Order)> followUps = new();
    private long followUpOrder;
    private long step;
    private long produced;
    private long recordedTicks;
    private long emitted;
    private DateTime lastOccurred;

    private readonly DemoInstrument[] instruments;
    private int instrumentsListed;
    private readonly DemoAccount[] hot;
    private int hotOpened;
    private readonly List<DemoAccount> ordinary = [];
    private int accountsOpened;
    private long tradeNumber;
    private long cashNumber;

    private readonly DemoActor onboarding = new("svc:onboarding", "onboarding.svc.internal", "onboarding");
    private readonly DemoActor kyc = new("svc:kyc", "kyc.svc.internal", "kyc");
    private readonly DemoActor orderRouter = new("svc:order-router", "order-router.svc.internal", "order-router");
    private readonly DemoActor custodyFeed = new("svc:custody-feed", "custody-feed.svc.internal", "custody-feed");
    private readonly DemoActor payments = new("svc:payments", "payments.svc.internal", "payments");
    private readonly DemoActor billing = new("svc:billing", "billing.svc.internal", "billing");
    private readonly DemoActor taxEngine = new("svc:tax-engine", "tax-engine.svc.internal", "tax-engine");
    private readonly DemoActor proxyAgent = new("svc:proxy-agent", "proxy-agent.svc.internal", "proxy-agent");
    private readonly DemoActor[] operators =
    [
        new("ops.jdoe", "127.0.10.21", null),
        new("ops.asmith", "127.0.10.34", null),
        new("ops.mkhan", "127.0.11.7", null),
    ];
    private readonly DemoActor compliance = new("compliance.lchen", "127.0.12.5", null);
    private readonly DemoActor privacy = new("privacy.rgarcia", "127.0.12.9", null);

    public DemoRun(long seed, DemoOptions options, long totalEvents)
    {
        options.Validate();
        this.options = options;
        this.totalEvents = totalEvents;
        random = new DemoRandom(seed);
        accountTarget = (int)Math.Min(options.BaseAccounts + totalEvents / options.EventsPerExtraAccount, options.AccountCap);
        minStepMicros = options.MinRecordedStep.Ticks / TicksPerMicro;
        maxStepMicros = options.MaxRecordedStep.Ticks / TicksPerMicro;
        recordedTicks = LedgerTime.Truncate(options.Epoch).Ticks;
        instruments = new DemoInstrument[options.Instruments];
        hot = new DemoAccount[options.HotAccounts];
    }

    /// <summary>Subjects whose <c>subject.erasure_requested</c> has been handed out so far, in ledger order.</summary>
    public List<string> ErasureRequested { get; } = [];

    public IEnumerable<NewEvent> Events()
    {
        while (produced < totalEvents)
        {
            while (pending.Count == 0) Step();
            var e = pending.Dequeue();
            produced++;
            if (e.Action == SubjectErasureRequested) ErasureRequested.Add(e.StreamId);
            yield return e;
        }
    }

    private void Step()
    {
        step++;
        if (instrumentsListed < instruments.Length)
        {
            ListInstrument();
            return;
        }
        if (accountsOpened < ScheduledAccounts())
        {
            OpenAccount();
            return;
        }
        if (followUps.TryPeek(out var due, out var when) && when.Due <= step)
        {
            followUps.Dequeue();
            RunFollowUp(due);
            return;
        }

        var r = random.NextDouble();
        if ((r -= options.AccountClosureRate) < 0) { CloseAccount(); return; }
        if ((r -= 0.004) < 0) { DeclareDividend(); return; }
        if ((r -= 0.001) < 0) { RenameInstrument(); return; }
        if ((r -= 0.060) < 0) { VoteStep(); return; }

        var account = PickAccount();
        if (!Ready(account)) return;
        if ((r -= 0.080) < 0) { Deposit(account, 0); return; }
        if ((r -= 0.040) < 0) { Withdraw(account, 0); return; }
        if ((r -= 0.050) < 0) { ChargeFee(account); return; }
        if ((r -= 0.070) < 0) { PayDividend(account); return; }
        if ((r -= 0.008) < 0) { Restrict(account); return; }
        if ((r -= 0.004) < 0) { ChangeAddress(account); return; }
        if ((r -= 0.005) < 0) { UpdateConsent(account); return; }
        Trade(account, viaCustody: random.Chance(0.1));
    }

    /// <summary>Accounts open over the first half of the run, after a starting set of hot and ordinary accounts.</summary>
    private long ScheduledAccounts()
    {
        var start = options.HotAccounts + 10;
        var ramp = accountTarget * produced / Math.Max(1, totalEvents / 2);
        return Math.Min(accountTarget, Math.Max(start, ramp));
    }

    private void RunFollowUp(DemoFollowUp followUp)
    {
        switch (followUp.Kind)
        {
            case FollowUpKind.TradeCorrection: CorrectTrade((DemoTradeLot)followUp.Target); break;
            case FollowUpKind.CashCorrection: CorrectCash((DemoCashMovement)followUp.Target); break;
            case FollowUpKind.TaxReissue: ReissueForm((DemoTaxForm)followUp.Target); break;
            case FollowUpKind.VoteChange: ChangeVote((DemoVote)followUp.Target); break;
        }
    }

    private void Schedule(FollowUpKind kind, object target, long minDelay, long maxDelay)
    {
        if (followUps.Count >= FollowUpCapacity) return; // bounded: a full queue just skips this follow-up
        followUps.Enqueue(new DemoFollowUp(kind, target), (step + random.Between(minDelay, maxDelay), followUpOrder++));
    }

    private DemoAccount PickAccount()
    {
        if (hotOpened > 0 && random.Chance(options.HotShare)) return hot[random.Next(hotOpened)];
        // Minimum of two uniform draws: earlier-opened customers are somewhat more active.
        var n = ordinary.Count;
        return ordinary[Math.Min(random.Next(n), random.Next(n))];
    }

    private DemoActor Operator() => random.Pick(operators);

    /// <summary>Source latency for services: up to two seconds.</summary>
    private long ServiceLag() => random.Between(0, 2_000_000) * TicksPerMicro;

    /// <summary>People enter what happened a little while ago: up to ten minutes.</summary>
    private long HumanLag() => random.Between(1_000_000, 600_000_000) * TicksPerMicro;

    /// <summary>Late arrival: business time 7 to 42 days before it reached the ledger.</summary>
    private long LateLag() => random.Between(7L * 86_400_000_000, 42L * 86_400_000_000) * TicksPerMicro;

    private long MaybeLate(long normalLag) => random.Chance(options.LateArrivalRate) ? LateLag() : normalLag;

    private Guid Emit(string streamType, string streamId, string action, DemoActor actor, JsonObject payload, long lagTicks,
        PersonalField[]? personal = null, Guid? supersedes = null, LedgerLineage? lineage = null) =>
        // Canonical now: the tree dies here instead of surviving every GC until its batch is written.
        Emit(streamType, streamId, action, actor, EventPayload.Canonical(payload), lagTicks, personal, supersedes, lineage);

    private Guid Emit(string streamType, string streamId, string action, DemoActor actor, EventPayload payload, long lagTicks,
        PersonalField[]? personal = null, Guid? supersedes = null, LedgerLineage? lineage = null)
    {
        if (emitted++ > 0) recordedTicks += random.Between(minStepMicros, maxStepMicros) * TicksPerMicro;
        var recorded = new DateTime(recordedTicks, DateTimeKind.Utc);
        var occurred = new DateTime(recordedTicks - lagTicks, DateTimeKind.Utc);
        lastOccurred = occurred;
        var id = DemoEventIds.NewV7(recorded, random);
        pending.Enqueue(new NewEvent
        {
            StreamType = streamType,
            StreamId = streamId,
            OccurredAt = occurred,
            RecordedAt = recorded,
            Actor = actor.Name,
            Action = action,
            ClientAddress = actor.Address,
            Payload = payload,
            PersonalFields = personal ?? [],
            Supersedes = supersedes,
            Lineage = lineage,
            IdempotencyKey = actor.NextIdempotencyKey(),
            EventId = id,
        });
        return id;
    }

    private static string Date(DateTime value) => value.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);
}
