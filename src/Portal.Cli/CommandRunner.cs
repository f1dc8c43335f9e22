using System.Net.Sockets;
using Npgsql;

namespace AuditPortal.Cli;

/// <summary>
/// Runs a command body and turns the failures an operator can cause (bad arguments, a server that is
/// down, a file that is not there) into one clear line and exit code 2 — never a stack trace.
/// </summary>
public static class CommandRunner
{
    public static async Task<int> RunAsync(CliConsole console, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliUsageException ex)
        {
            await console.Error.WriteLineAsync($"auditportal: {ex.Message}");
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            await console.Error.WriteLineAsync($"auditportal: cannot reach PostgreSQL: {Innermost(ex).Message}");
        }
        catch (PostgresException ex)
        {
            await console.Error.WriteLineAsync($"auditportal: PostgreSQL refused: {ex.MessageText} (SQLSTATE {ex.SqlState})");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException or InvalidOperationException)
        {
            await console.Error.WriteLineAsync($"auditportal: {ex.Message}");
        }
        return ExitCodes.UsageOrConnection;
    }

    private static bool IsConnectionFailure(Exception ex) =>
        ex is NpgsqlException { InnerException: SocketException or IOException or TimeoutException }
        || (ex is NpgsqlException && ex is not PostgresException && ex.Message.Contains("connect", StringComparison.OrdinalIgnoreCase))
        || ex is SocketException;

    private static Exception Innermost(Exception ex) => ex.InnerException is null ? ex : Innermost(ex.InnerException);
}
