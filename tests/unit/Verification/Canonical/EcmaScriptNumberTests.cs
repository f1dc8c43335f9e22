using System.Globalization;
using AuditPortal.Verification.Canonical;

namespace AuditPortal.Tests.Verification.Canonical;

public class EcmaScriptNumberTests
{
    [Theory]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(-0.0, "0")]
    [InlineData(0.1, "0.1")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(123.456, "123.456")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(2.5e-300, "2.5e-300")]
    [InlineData(4.35, "4.35")]
    [InlineData(0.3, "0.3")]
    public void Format_Value_FollowsNumberToString(double value, string expected)
    {
        EcmaScriptNumber.Format(value).ShouldBe(expected);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Format_NonFinite_Throws(double value)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => EcmaScriptNumber.Format(value));
    }

    [Fact]
    public void Format_RandomDoubles_RoundTripsAndUsesShortestDigits()
    {
        var random = new Random(8785);
        Span<byte> bits = stackalloc byte[8];
        for (int i = 0; i < 20000; i++)
        {
            random.NextBytes(bits);
            double value = BitConverter.ToDouble(bits);
            if (!double.IsFinite(value))
            {
                continue;
            }

            string text = EcmaScriptNumber.Format(value);
            double back = double.Parse(text, CultureInfo.InvariantCulture);

            back.ShouldBe(value == 0 ? 0 : value, text);
            text.Contains('E', StringComparison.Ordinal).ShouldBeFalse(text);
            text.Contains("e+0", StringComparison.Ordinal).ShouldBeFalse(text);
            text.Contains("e-0", StringComparison.Ordinal).ShouldBeFalse(text);
        }
    }
}
