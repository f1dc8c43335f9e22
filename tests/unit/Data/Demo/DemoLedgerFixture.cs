using System.Globalization;
using System.Text;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Demo;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Data.Demo;

/// <summary>The first 20,000 events of seed 42, generated once for the tests that only read them.</summary>
public sealed class DemoLedgerFixture
{
    public const int Count = 20_000;

    public DemoLedgerFixture()
    {
        Generator = new DemoLedgerGenerator(42, new DemoOptions());
        Events = Generator.Batches(Count, 1_000).SelectMany(b => b).ToList();
    }

    public DemoLedgerGenerator Generator { get; }
    public List<NewEvent> Events { get; }

    /// <summary>Every field of an event as one string, so two events compare byte for byte.</summary>
    public static string Describe(NewEvent e)
    {
        var s = new StringBuilder();
        s.Append(e.EventId).Append('|').Append(e.StreamType).Append('|').Append(e.StreamId).Append('|')
            .Append(LedgerTime.ToText(e.OccurredAt)).Append('|').Append(LedgerTime.ToText(e.RecordedAt!.Value)).Append('|')
            .Append(e.Actor).Append('|').Append(e.Action).Append('|').Append(e.ClientAddress).Append('|')
            .Append(e.SchemaVersion.ToString(CultureInfo.InvariantCulture)).Append('|')
            .Append(e.Payload.ToString()).Append('|').Append(e.Supersedes).Append('|').Append(e.IdempotencyKey).Append('|');
        foreach (var p in e.PersonalFields) s.Append(p.Name).Append('@').Append(p.SubjectId).Append(',');
        if (e.Lineage is { } l)
        {
            s.Append('|').Append(l.RuleId).Append(' ').Append(l.RuleVersion);
            foreach (var i in l.Inputs) s.Append(' ').Append(i);
        }
        return s.ToString();
    }
}
