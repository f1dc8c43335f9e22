using System.Globalization;

namespace AuditPortal.Verification.Merkle;

/// <summary>
/// The outcome of computing or verifying a Merkle proof: on success the calculated root(s), on
/// failure the reason, and for a root mismatch the expected and the calculated root.
/// </summary>
public sealed class ProofResult
{
    private ProofResult(ProofFailureKind failure, string message, byte[]? expected, byte[]? calculated, byte[]? calculated2)
    {
        Failure = failure;
        Message = message;
        ExpectedRoot = expected;
        CalculatedRoot = calculated;
        CalculatedRoot2 = calculated2;
    }

    /// <summary>True when the proof computed (RootFrom…) or verified (Verify…).</summary>
    public bool IsValid => Failure == ProofFailureKind.None;

    /// <summary>The kind of failure; <see cref="ProofFailureKind.None"/> on success.</summary>
    public ProofFailureKind Failure { get; }

    /// <summary>A human-readable reason, e.g. "wrong proof length: got 2, want 3".</summary>
    public string Message { get; }

    /// <summary>For <see cref="ProofFailureKind.RootMismatch"/>: the root the caller expected.</summary>
    public byte[]? ExpectedRoot { get; }

    /// <summary>
    /// The root calculated from the proof: on success of an inclusion computation, or the
    /// mismatching root. For a consistency proof: the first tree's root.
    /// </summary>
    public byte[]? CalculatedRoot { get; }

    /// <summary>For a successful consistency computation: the second tree's root.</summary>
    public byte[]? CalculatedRoot2 { get; }

    internal static ProofResult Valid(byte[]? calculated = null, byte[]? calculated2 = null) =>
        new(ProofFailureKind.None, "valid", null, calculated, calculated2);

    internal static ProofResult Invalid(ProofFailureKind failure, string message) =>
        new(failure, message, null, null, null);

    internal static ProofResult Mismatch(string what, byte[] expected, byte[] calculated) =>
        new(
            ProofFailureKind.RootMismatch,
            string.Create(
                CultureInfo.InvariantCulture,
                $"{what} mismatch: calculated {Convert.ToHexStringLower(calculated)}, expected {Convert.ToHexStringLower(expected)}"),
            expected,
            calculated,
            null);

    /// <summary>Throws <see cref="InvalidOperationException"/> carrying <see cref="Message"/> unless valid.</summary>
    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new InvalidOperationException(Message);
        }
    }

    /// <inheritdoc />
    public override string ToString() => IsValid ? "valid" : $"{Failure}: {Message}";
}
