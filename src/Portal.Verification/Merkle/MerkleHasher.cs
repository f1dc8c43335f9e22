using System.Buffers;
using System.Security.Cryptography;

namespace AuditPortal.Verification.Merkle;

/// <summary>
/// The RFC 9162 §2.1.1 tree hasher over SHA-256: leaf hash = H(0x00 ‖ leaf),
/// node hash = H(0x01 ‖ left ‖ right), and the hash of an empty tree = H("").
/// </summary>
/// <remarks>
/// Allocation-light on purpose: the span-writing overloads allocate nothing for leaves up to
/// 1 KiB (on the stack), and pooled memory above that. A streaming verifier calls these
/// once per ledger row.
/// </remarks>
public static class MerkleHasher
{
    /// <summary>Domain separation prefix of a leaf hash (RFC 9162 §2.1.1).</summary>
    public const byte LeafHashPrefix = 0x00;

    /// <summary>Domain separation prefix of an interior node hash (RFC 9162 §2.1.1).</summary>
    public const byte NodeHashPrefix = 0x01;

    /// <summary>Size in bytes of every hash this hasher produces (SHA-256).</summary>
    public const int HashSize = SHA256.HashSizeInBytes;

    private const int StackLeafLimit = 1024;

    /// <summary>MTH({}) = SHA-256 of the empty string: e3b0c442…b855.</summary>
    public static ReadOnlySpan<byte> EmptyRoot =>
    [
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
        0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
    ];

    /// <summary>Returns the leaf hash H(0x00 ‖ <paramref name="leaf"/>).</summary>
    public static byte[] HashLeaf(ReadOnlySpan<byte> leaf)
    {
        var hash = new byte[HashSize];
        HashLeaf(leaf, hash);
        return hash;
    }

    /// <summary>Writes the leaf hash H(0x00 ‖ <paramref name="leaf"/>) to <paramref name="destination"/>.</summary>
    /// <param name="leaf">The leaf data (for the ledger: an event's canonical bytes).</param>
    /// <param name="destination">At least <see cref="HashSize"/> bytes; may overlap nothing else.</param>
    public static void HashLeaf(ReadOnlySpan<byte> leaf, Span<byte> destination)
    {
        CheckDestination(destination);
        int length = leaf.Length + 1;
        byte[]? rented = null;
        Span<byte> buffer = length <= StackLeafLimit
            ? stackalloc byte[length]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            buffer[0] = LeafHashPrefix;
            leaf.CopyTo(buffer[1..]);
            Sha256Scratch.Hash(buffer[..length], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Returns the interior node hash H(0x01 ‖ <paramref name="left"/> ‖ <paramref name="right"/>).</summary>
    /// <remarks>Both children must be <see cref="HashSize"/> bytes.</remarks>
    public static byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        HashChildren(left, right, hash);
        return hash;
    }

    /// <summary>
    /// Writes H(0x01 ‖ <paramref name="left"/> ‖ <paramref name="right"/>) to <paramref name="destination"/>.
    /// The destination may alias either input (the inputs are copied before hashing).
    /// </summary>
    /// <exception cref="ArgumentException">A child is not <see cref="HashSize"/> bytes, or the destination is too small.</exception>
    public static void HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        if (left.Length != HashSize)
        {
            throw new ArgumentException($"left child hash is {left.Length} bytes, want {HashSize}", nameof(left));
        }

        if (right.Length != HashSize)
        {
            throw new ArgumentException($"right child hash is {right.Length} bytes, want {HashSize}", nameof(right));
        }

        CheckDestination(destination);
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = NodeHashPrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        Sha256Scratch.Hash(buffer, destination);
    }

    private static void CheckDestination(Span<byte> destination)
    {
        if (destination.Length < HashSize)
        {
            throw new ArgumentException($"destination is {destination.Length} bytes, want at least {HashSize}", nameof(destination));
        }
    }
}
