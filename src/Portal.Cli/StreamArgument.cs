using AuditPortal.Data.Requests;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Cli;

/// <summary>Parses `type/id` (the id may itself contain '/', e.g. tax_form/acc-000123/2024).</summary>
public static class StreamArgument
{
    public static StreamKey Parse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1)
            throw new CliUsageException($"a stream is written TYPE/ID, e.g. account/acc-000001; got '{LedgerName.ForDisplay(text)}'");
        var key = new StreamKey(text[..slash], text[(slash + 1)..]);
        if ((LedgerName.Problem("stream type", key.Type) ?? LedgerName.Problem("stream id", key.Id)) is { } problem)
            throw new CliUsageException(problem);
        return key;
    }
}
