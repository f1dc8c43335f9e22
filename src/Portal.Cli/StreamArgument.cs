using AuditPortal.Verification.Ledger;

namespace AuditPortal.Cli;

/// <summary>Parses `type/id` (the id may itself contain '/', e.g. tax_form/acc-000123/2024).</summary>
public static class StreamArgument
{
    public static StreamKey Parse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1)
            throw new CliUsageException($"a stream is written TYPE/ID, e.g. account/acc-000001; got '{text}'");
        return new StreamKey(text[..slash], text[(slash + 1)..]);
    }
}
