using System.CommandLine;

namespace AuditPortal.Cli;

/// <summary>
/// Range checks attached to the option itself: a command-level validator would see 0 instead of the
/// default value for an option the user did not give.
/// </summary>
public static class OptionRanges
{
    public static Option<T> InRange<T>(this Option<T> option, T min, T max) where T : struct, IComparable<T>
    {
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<T>();
            if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
                r.AddError($"{option.Name} must be between {min} and {max}");
        });
        return option;
    }
}
