using System.Buffers.Binary;
using System.Text;
using AuditPortal.Verification.Canonical;

namespace AuditPortal.Tests.Verification.Canonical;

/// <summary>RFC 8785 examples and rejection cases from testdata/jcs/.</summary>
public class JcsVectorTests
{
    public static TheoryData<string> Cases => TestDataFiles.Cases("jcs", include: name => !name.StartsWith("numbers-", StringComparison.Ordinal));

    public static TheoryData<string, string?> AppendixB()
    {
        var data = new TheoryData<string, string?>();
        foreach (var c in TestDataFiles.Read("jcs", "numbers-appendix-b").GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("ieee754").GetString()!, c.GetProperty("wantErr").GetBoolean() ? null : c.GetProperty("expected").GetString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Canonicalize_Vector_GivesExpectedBytesOrError(string name)
    {
        var vector = TestDataFiles.Read("jcs", name);
        string desc = vector.GetProperty("desc").GetString()!;
        string input = vector.GetProperty("input").GetString()!;

        if (vector.GetProperty("wantErr").GetBoolean())
        {
            Should.Throw<CanonicalJsonException>(() => JsonCanonicalizer.Canonicalize(input), desc);
            JsonCanonicalizer.IsCanonical(Encoding.UTF8.GetBytes(input)).ShouldBeFalse(desc);
            return;
        }

        var expected = Encoding.UTF8.GetBytes(vector.GetProperty("expected").GetString()!);
        var actual = JsonCanonicalizer.Canonicalize(input);

        Convert.ToHexStringLower(actual).ShouldBe(Convert.ToHexStringLower(expected), $"{desc}\n got: {Encoding.UTF8.GetString(actual)}");
        JsonCanonicalizer.IsCanonical(expected).ShouldBeTrue(desc);
        JsonCanonicalizer.Canonicalize(expected).ShouldBe(expected, "canonicalization is idempotent");
    }

    [Theory]
    [MemberData(nameof(AppendixB))]
    public void Format_AppendixBDouble_GivesExpectedTextOrError(string ieee754, string? expected)
    {
        double value = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(Convert.FromHexString(ieee754)));

        if (expected is null)
        {
            Should.Throw<ArgumentOutOfRangeException>(() => EcmaScriptNumber.Format(value));
            return;
        }

        EcmaScriptNumber.Format(value).ShouldBe(expected);
        if (!double.IsNegative(value) || value != 0)
        {
            // The text parses back to the same double (except -0, which canonicalizes to 0).
            JsonCanonicalizer.Canonicalize(expected).ShouldBe(Encoding.UTF8.GetBytes(expected));
        }
    }

    [Fact]
    public void Format_DoublesPrintedByNode_MatchesEcmaScriptExactly()
    {
        var file = TestDataFiles.Read("jcs", "numbers-node-random");
        var mismatches = new List<string>();
        int count = 0;
        foreach (var c in file.GetProperty("cases").EnumerateArray())
        {
            count++;
            string bits = c.GetProperty("ieee754").GetString()!;
            string expected = c.GetProperty("expected").GetString()!;
            double value = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(Convert.FromHexString(bits)));
            string actual = EcmaScriptNumber.Format(value);
            if (actual != expected)
            {
                mismatches.Add($"{bits}: got {actual}, want {expected}");
            }
        }

        count.ShouldBeGreaterThan(1000);
        mismatches.ShouldBeEmpty($"{mismatches.Count} of {count} differ: {string.Join("; ", mismatches.Take(20))}");
    }
}
