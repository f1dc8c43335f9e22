namespace AuditPortal.Verification.Checkpoints;

/// <summary>
/// The origin grammar (docs/ledger-format.md §5.5): <c>log "/" deployment</c>, where log is <c>ledger</c>
/// or <c>access-log</c> and the deployment name is 1 to 64 ASCII letters, digits, '.', '_' or '-',
/// starting with a letter or digit. One origin names one log; evidence is about the <c>ledger</c> log.
/// </summary>
public static class CheckpointOrigin
{
    public const string Ledger = "ledger";
    public const string AccessLog = "access-log";
    public const int MaxDeploymentLength = 64;

    /// <summary>Null when <paramref name="origin"/> follows the grammar, else what is wrong with it ("got … want …").</summary>
    public static string? Problem(string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var slash = origin.IndexOf('/', StringComparison.Ordinal);
        var log = slash < 0 ? origin : origin[..slash];
        if (slash < 0 || log is not (Ledger or AccessLog))
            return $"origin: got '{origin}', want '{Ledger}/<deployment>' or '{AccessLog}/<deployment>'";
        return DeploymentProblem(origin[(slash + 1)..]) is { } problem ? $"origin '{origin}': {problem}" : null;
    }

    /// <summary>Null when <paramref name="deployment"/> is a valid deployment name, else what is wrong with it.</summary>
    public static string? DeploymentProblem(string deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Length is 0 or > MaxDeploymentLength)
            return $"got a deployment name of {deployment.Length} characters, want 1 to {MaxDeploymentLength}";
        if (!char.IsAsciiLetterOrDigit(deployment[0]))
            return $"got a deployment name starting with '{deployment[0]}', want a letter or digit first";
        foreach (var c in deployment)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
                return $"got the character U+{(int)c:X4} in the deployment name, want only A-Z a-z 0-9 . _ -";
        }
        return null;
    }

    /// <summary>The log an origin names (the part before '/'); call only for an origin without <see cref="Problem"/>.</summary>
    public static string Log(string origin) => origin[..origin.IndexOf('/', StringComparison.Ordinal)];
}
