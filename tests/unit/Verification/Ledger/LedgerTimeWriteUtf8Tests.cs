using System.Text;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Verification.Ledger;

/// <summary>The hand-rolled UTF-8 timestamp writer must be byte-identical to the format string.</summary>
public class LedgerTimeWriteUtf8Tests
{
    public static TheoryData<long> Ticks() =>
    [
        DateTime.MinValue.Ticks,
        DateTime.MaxValue.Ticks,
        new DateTime(2024, 2, 29, 23, 59, 59, DateTimeKind.Utc).Ticks + 9_999_999,
        new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc).Ticks,
        new DateTime(1999, 12, 31, 9, 5, 7, DateTimeKind.Utc).Ticks + 10,
        new DateTime(2038, 1, 19, 3, 14, 7, DateTimeKind.Utc).Ticks + 1_234_567,
    ];

    [Theory]
    [MemberData(nameof(Ticks))]
    public void WriteUtf8_AnyInstant_SameAsFormatString(long ticks)
    {
        var utc = new DateTime(ticks, DateTimeKind.Utc);
        var buffer = new byte[LedgerTime.Length];

        LedgerTime.WriteUtf8(utc, buffer).ShouldBe(LedgerTime.Length);

        Encoding.UTF8.GetString(buffer).ShouldBe(LedgerTime.ToText(utc));
    }

    [Fact]
    public void WriteUtf8_RandomInstants_SameAsFormatString()
    {
        var random = new Random(7);
        var buffer = new byte[LedgerTime.Length];
        for (var i = 0; i < 10_000; i++)
        {
            var utc = new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc);
            LedgerTime.WriteUtf8(utc, buffer);
            Encoding.UTF8.GetString(buffer).ShouldBe(LedgerTime.ToText(utc));
        }
    }
}
