using System.Globalization;

namespace AuditPortal.Benchmarks.Circuit;

/// <summary>
/// The CPU time (user + system, from /proc/PID/stat) a process spent between <see cref="Start"/> and <see cref="Stop"/>:
/// the portal's CPU per interaction, when PORTAL_PID names it. Only the measured rounds count, not the sign-in, the
/// circuits' start or the warm-up round.
/// </summary>
internal sealed class ProcessCpu(string? pid)
{
    private double? startSeconds;

    public void Start() => startSeconds = Read();

    /// <summary>A line with the CPU per interaction, or null when no process was named.</summary>
    public string? Stop(int interactions)
    {
        if (startSeconds is not { } start || Read() is not { } end || interactions == 0)
            return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"portal CPU (pid {pid}): {(end - start) * 1000:F0} ms for {interactions} interactions, {(end - start) * 1000 / interactions:F1} ms each");
    }

    private double? Read()
    {
        if (pid is not { Length: > 0 } || !File.Exists($"/proc/{pid}/stat"))
            return null;
        // Fields after the command name's closing parenthesis: state is the 1st, utime the 12th, stime the 13th.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ: 100 on Linux
    }
}
