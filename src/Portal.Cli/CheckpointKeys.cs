using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Cli;

/// <summary>The checkpoint key pair on disk: created once by `ledger init`, private key readable by its owner only.</summary>
public static class CheckpointKeys
{
    public static string PrivatePath(string keysDir, string name) => Path.Combine(keysDir, $"{name}-checkpoint-private.pem");

    public static string PublicPath(string keysDir, string name) => Path.Combine(keysDir, $"{name}-checkpoint-public.pem");

    /// <summary>Creates the key pair if missing; returns true when it was created now.</summary>
    public static bool EnsureExists(string keysDir, string name)
    {
        if (File.Exists(PrivatePath(keysDir, name)))
            return false;
        Directory.CreateDirectory(keysDir);
        using var signer = CheckpointSigner.Generate();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(PrivatePath(keysDir, name), options))
            writer.Write(signer.ExportPrivateKeyPem());
        File.WriteAllText(PublicPath(keysDir, name), signer.PublicKey.ToPem());
        return true;
    }

    public static CheckpointSigner LoadSigner(string keysDir, string name)
    {
        var path = PrivatePath(keysDir, name);
        if (!File.Exists(path))
            throw new CliUsageException($"no checkpoint key at {path}: run 'auditportal ledger init' first");
        return CheckpointSigner.FromPem(File.ReadAllText(path));
    }

    public static CheckpointPublicKey LoadPublic(string keysDir, string name)
    {
        var path = PublicPath(keysDir, name);
        if (!File.Exists(path))
            throw new CliUsageException($"no checkpoint public key at {path}: run 'auditportal ledger init' first");
        return CheckpointPublicKey.FromPem(File.ReadAllText(path));
    }
}
