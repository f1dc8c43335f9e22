using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Portal.Dashboard;

/// <summary>
/// The checkpoint public key from <c>Portal:Ledger:CheckpointPublicKeyPath</c>, read once on first use.
/// A missing or unreadable file is reported (the dashboard says "not verified"), not thrown.
/// </summary>
public sealed class CheckpointKeySource(IConfiguration configuration, IHostEnvironment environment)
{
    private readonly Lazy<(CheckpointPublicKey? Key, string? Problem)> key = new(() => Load(configuration, environment));

    public CheckpointPublicKey? Key => key.Value.Key;

    public string? Problem => key.Value.Problem;

    private static (CheckpointPublicKey?, string?) Load(IConfiguration configuration, IHostEnvironment environment)
    {
        var path = configuration["Portal:Ledger:CheckpointPublicKeyPath"];
        if (string.IsNullOrWhiteSpace(path))
            return (null, "no checkpoint public key is configured (Portal:Ledger:CheckpointPublicKeyPath)");
        var full = Path.IsPathRooted(path) ? path : Path.Combine(environment.ContentRootPath, path);
        try
        {
            return (CheckpointPublicKey.FromPem(File.ReadAllText(full)), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            return (null, $"the checkpoint public key {path} could not be read: {ex.Message}");
        }
    }
}
