namespace AuditPortal.Data.AccessLog.Anomalies;

/// <summary>
/// Thresholds of the anomaly rules (<c>Portal:AccessLog:Anomalies</c>; docs/access-log-review.md). Every rule reads
/// only its own settings; changing a rule's logic changes its version, changing a threshold does not.
/// </summary>
public sealed record AnomalyOptions
{
    /// <summary>Working hours, in <see cref="TimeZone"/>: [start, end) on <see cref="WorkingDays"/>.</summary>
    public TimeSpan WorkingHoursStart { get; init; } = TimeSpan.FromHours(7);
    public TimeSpan WorkingHoursEnd { get; init; } = TimeSpan.FromHours(19);
    public IReadOnlyList<DayOfWeek> WorkingDays { get; init; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>An IANA or Windows time zone id; UTC by default.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Days of a user's history the volume baseline averages (days without queries count as 0).</summary>
    public int BaselineDays { get; init; } = 14;

    /// <summary>Today's count is flagged above <see cref="VolumeFactor"/> × the baseline, and only above <see cref="VolumeMinimum"/>.</summary>
    public double VolumeFactor { get; init; } = 5;
    public int VolumeMinimum { get; init; } = 50;

    /// <summary>Distinct streams named within <see cref="DistinctStreamsWindow"/> above which a user is flagged.</summary>
    public TimeSpan DistinctStreamsWindow { get; init; } = TimeSpan.FromMinutes(10);
    public int DistinctStreamsThreshold { get; init; } = 30;

    /// <summary>Unmask requests within <see cref="UnmaskBurstWindow"/> above which a user is flagged.</summary>
    public TimeSpan UnmaskBurstWindow { get; init; } = TimeSpan.FromMinutes(10);
    public int UnmaskBurstThreshold { get; init; } = 5;

    /// <summary>Kinds that are expected to name a case; a query of one of them without a case is flagged (unmask requests always are).</summary>
    public IReadOnlyList<string> CaseExpectedKinds { get; init; } = ["evidence.export"];

    /// <summary>Refused or failed queries within <see cref="RepeatedFailuresWindow"/> above which a user is flagged.</summary>
    public TimeSpan RepeatedFailuresWindow { get; init; } = TimeSpan.FromMinutes(10);
    public int RepeatedFailuresThreshold { get; init; } = 5;

    /// <exception cref="ArgumentException">A threshold or window is out of range, or the time zone is unknown.</exception>
    public void Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero) throw new ArgumentException($"{name} must be positive, got {value}");
        }
        static void AtLeastOne(double value, string name)
        {
            if (value < 1) throw new ArgumentException($"{name} must be at least 1, got {value}");
        }
        if (WorkingHoursStart < TimeSpan.Zero || WorkingHoursEnd > TimeSpan.FromDays(1) || WorkingHoursStart >= WorkingHoursEnd)
            throw new ArgumentException($"working hours must satisfy 00:00 ≤ start < end ≤ 24:00, got {WorkingHoursStart}–{WorkingHoursEnd}");
        _ = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        AtLeastOne(BaselineDays, nameof(BaselineDays));
        AtLeastOne(VolumeFactor, nameof(VolumeFactor));
        AtLeastOne(VolumeMinimum, nameof(VolumeMinimum));
        Positive(DistinctStreamsWindow, nameof(DistinctStreamsWindow));
        AtLeastOne(DistinctStreamsThreshold, nameof(DistinctStreamsThreshold));
        Positive(UnmaskBurstWindow, nameof(UnmaskBurstWindow));
        AtLeastOne(UnmaskBurstThreshold, nameof(UnmaskBurstThreshold));
        Positive(RepeatedFailuresWindow, nameof(RepeatedFailuresWindow));
        AtLeastOne(RepeatedFailuresThreshold, nameof(RepeatedFailuresThreshold));
    }
}
