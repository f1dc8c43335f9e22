using System.Runtime.InteropServices;

namespace AuditPortal.Verification.Verifying;

/// <summary>
/// Lowers the CPU priority of the calling thread only, so that a long verification inside the portal
/// uses the CPU that page requests leave idle instead of sharing it with them equally.
/// </summary>
/// <remarks>
/// On Linux a nice value belongs to a thread (<c>setpriority(PRIO_PROCESS, tid, n)</c> with the thread's
/// id); .NET's <see cref="Thread.Priority"/> is not applied there, so it is used only on other systems.
/// Lowering needs no privilege but raising it back does, so only call this on a thread that ends with
/// its work (e.g. a <see cref="TaskCreationOptions.LongRunning"/> task's own thread), never on a pool thread.
/// </remarks>
public static class ThreadCpuPriority
{
    /// <summary>The lowest Linux nice value: the thread runs when no normal thread wants the core.</summary>
    public const int Lowest = 19;

    /// <summary>The nice value of the calling thread (0 when it cannot be read).</summary>
    public static int Current()
    {
        if (!OperatingSystem.IsLinux())
            return 0;
        try
        {
            Marshal.SetLastPInvokeError(0);
            var nice = getpriority(PrioProcess, (uint)gettid());
            return nice == -1 && Marshal.GetLastPInvokeError() != 0 ? 0 : nice;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>Sets the calling thread's nice value to <paramref name="nice"/> (0–19); false when the system refused.</summary>
    public static bool LowerCurrentThread(int nice)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nice);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nice, Lowest);
        if (!OperatingSystem.IsLinux())
        {
            Thread.CurrentThread.Priority = nice >= 10 ? ThreadPriority.Lowest : ThreadPriority.BelowNormal;
            return true;
        }
        try
        {
            return setpriority(PrioProcess, (uint)gettid(), nice) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private const int PrioProcess = 0;

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which this project keeps off; these signatures are blittable.
    [DllImport("libc", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int gettid();

    [DllImport("libc", ExactSpelling = true, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int setpriority(int which, uint who, int prio);

    [DllImport("libc", ExactSpelling = true, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int getpriority(int which, uint who);
#pragma warning restore SYSLIB1054
}
