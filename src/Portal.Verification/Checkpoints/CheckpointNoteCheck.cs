using System.Text;

namespace AuditPortal.Verification.Checkpoints;

/// <summary>
/// The checks on a version 2 checkpoint's signed note (docs/ledger-format.md §5.2, §6): it holds exactly the
/// checkpoint text, its ECDSA line is the checkpoint's ECDSA signature by <paramref name="ecdsa"/>'s key, and a
/// line by a known Ed25519 key verifies.
/// </summary>
public static class CheckpointNoteCheck
{
    /// <summary>Null when the note is sound, else why not.</summary>
    /// <param name="ed25519PublicKey">The trusted Ed25519 public key (32 bytes), if known; its key name is the
    /// checkpoint's origin. Without it the Ed25519 line is not checked.</param>
    public static string? Problem(SignedCheckpoint signed, CheckpointPublicKey ecdsa, byte[]? ed25519PublicKey)
    {
        if (signed.Checkpoint.Version == 1)
            return signed.Note is null ? null : "a version 1 checkpoint has no signed note";
        if (signed.Note is null)
            return "the version 2 checkpoint has no signed note";
        SignedNote note;
        try { note = SignedNote.Parse(signed.Note); }
        catch (FormatException ex) { return $"the signed note does not parse: {ex.Message}"; }
        if (note.Text != signed.Checkpoint.ToText())
            return "the signed note's text is not the checkpoint text";
        var ecdsaKey = ecdsa.NoteKey(signed.Checkpoint.Origin);
        if (note.SignatureBy(ecdsaKey) is not { } line)
            return $"the signed note has no signature line by the ECDSA key {ecdsaKey.Name}+{ecdsaKey.KeyId:x8}";
        if (!ecdsaKey.Verifies(Encoding.UTF8.GetBytes(note.Text), line.Signature))
            return "the signed note's ECDSA signature does not verify";
        if (ed25519PublicKey is not null)
        {
            var ed25519 = NoteVerifierKey.ForEd25519(signed.Checkpoint.Origin, ed25519PublicKey);
            if (!note.IsSignedBy(ed25519))
                return $"the signed note has no valid signature by the Ed25519 key {ed25519.Name}+{ed25519.KeyId:x8}";
        }
        return null;
    }
}
