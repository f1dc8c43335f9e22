using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Cli;

/// <summary>
/// The checkpoint keys on disk (docs/ledger-format.md §6): an ECDSA P-256 pair and an Ed25519 pair per log,
/// each created by `ledger init` when missing (private keys readable by their owner only), and the log's
/// vkeys file.
/// </summary>
public static class CheckpointKeys
{
    public static string PrivatePath(string keysDir, string name) => Path.Combine(keysDir, $"{name}-checkpoint-private.pem");

    public static string PublicPath(string keysDir, string name) => Path.Combine(keysDir, $"{name}-checkpoint-public.pem");

    public static string Ed25519PrivatePath(string keysDir, string name) => Path.Combine(keysDir, $"{name}-checkpoint-ed25519-private.pem");

    public static string Ed25519PublicPath(string keysDir, string name) => Path.Combine(keysDir, $"{name}-checkpoint-ed25519-public.pem");

    public static string VkeysPath(string keysDir, string name) => Path.Combine(keysDir, $"{name}-checkpoint.vkeys");

    /// <summary>Creates whichever key pair is missing (a ledger from before format 2 gets its Ed25519 key); returns what was created.</summary>
    public static IReadOnlyList<string> EnsureExists(string keysDir, string name, string origin)
    {
        Directory.CreateDirectory(keysDir);
        var created = new List<string>();
        using var generated = CheckpointSigner.Generate();
        if (!File.Exists(PrivatePath(keysDir, name)))
        {
            WritePrivate(PrivatePath(keysDir, name), generated.ExportPrivateKeyPem());
            File.WriteAllText(PublicPath(keysDir, name), generated.PublicKey.ToPem());
            created.Add("ECDSA P-256");
        }
        if (!File.Exists(Ed25519PrivatePath(keysDir, name)))
        {
            WritePrivate(Ed25519PrivatePath(keysDir, name), generated.Ed25519!.ExportPrivateKeyPem());
            File.WriteAllText(Ed25519PublicPath(keysDir, name), generated.Ed25519.ExportPublicKeyPem());
            created.Add("Ed25519");
        }
        using var signer = LoadSigner(keysDir, name);
        File.WriteAllText(VkeysPath(keysDir, name), string.Concat(signer.VerifierKeys(origin).Select(k => k + "\n")));
        return created;
    }

    public static CheckpointSigner LoadSigner(string keysDir, string name)
    {
        var path = PrivatePath(keysDir, name);
        var ed25519 = Ed25519PrivatePath(keysDir, name);
        if (!File.Exists(path) || !File.Exists(ed25519))
            throw new CliUsageException($"no checkpoint keys at {path} and {ed25519}: run 'auditportal ledger init' first");
        return CheckpointSigner.FromPem(File.ReadAllText(path), File.ReadAllText(ed25519));
    }

    public static CheckpointPublicKey LoadPublic(string keysDir, string name)
    {
        var path = PublicPath(keysDir, name);
        if (!File.Exists(path))
            throw new CliUsageException($"no checkpoint public key at {path}: run 'auditportal ledger init' first");
        return CheckpointPublicKey.FromPem(File.ReadAllText(path));
    }

    private static void WritePrivate(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(path, options);
        writer.Write(pem);
    }
}
