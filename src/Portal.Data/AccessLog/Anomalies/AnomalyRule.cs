using System.Globalization;
using System.Text.Json.Nodes;

namespace AuditPortal.Data.AccessLog.Anomalies;

/// <summary>
/// A named, versioned, explainable rule over the access log. It sees each logged query once, in seq order, keeps
/// whatever per-user state it needs (bounded by its window), and returns a flag when its threshold is crossed.
/// A rule's id never changes; its <see cref="Version"/> changes whenever what it flags changes.
/// </summary>
public abstract class AnomalyRule(AnomalyOptions options)
{
    protected AnomalyOptions Options { get; } = options;

    /// <summary>Stable name, e.g. <c>unmask-burst</c>.</summary>
    public abstract string Id { get; }

    public abstract int Version { get; }

    /// <summary>What the rule flags, with its configured thresholds, in one sentence.</summary>
    public abstract string Description { get; }

    /// <summary>Takes the next entry; a flag when this entry crosses the rule's threshold, else null.</summary>
    public abstract AnomalyFlag? Observe(AccessObservation entry);

    /// <summary>
    /// The rule's state after the entries observed so far (per user: a window, a day's counts), as JSON, so an engine can
    /// resume from a watermark instead of rescanning (<see cref="AnomalyEngine.SaveState"/>); null for a rule without state.
    /// </summary>
    public virtual JsonNode? SaveState() => null;

    /// <summary>Takes back a state <see cref="SaveState"/> wrote for this rule's id and version, replacing the current one.</summary>
    /// <exception cref="InvalidDataException">The state is not one this rule writes.</exception>
    public virtual void LoadState(JsonNode state)
    {
    }

    /// <summary>A state's per-user member, or the error that it is malformed.</summary>
    protected static IEnumerable<(string User, JsonNode Value)> Users(JsonNode state) =>
        (state as JsonObject ?? throw new InvalidDataException("a rule's state must be a JSON object"))
            .Select(u => (u.Key, u.Value ?? throw new InvalidDataException($"the state of user {u.Key} is null")));

    protected static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    protected static DateOnly Day(JsonNode? node) =>
        DateOnly.ParseExact((string?)node ?? throw new InvalidDataException("a day is missing"), "yyyy-MM-dd", CultureInfo.InvariantCulture);

    protected AnomalyFlag Flag(AccessObservation entry, string explanation, IReadOnlyList<long> seqs) =>
        new(Id, Version, entry.SubjectId, entry.RequestedAt, explanation, seqs);
}

/// <summary>A query requested outside the working hours or days (in the configured time zone); once per user and local day.</summary>
public sealed class OutsideWorkingHoursRule(AnomalyOptions options) : AnomalyRule(options)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
    private readonly Dictionary<string, DateOnly> flaggedDay = new(StringComparer.Ordinal);

    public override string Id => "outside-working-hours";
    public override int Version => 1;
    public override string Description =>
        $"A query outside {Options.WorkingHoursStart:hh\\:mm}–{Options.WorkingHoursEnd:hh\\:mm} on {string.Join(", ", Options.WorkingDays)} ({Options.TimeZone}); once per user and day.";

    public override AnomalyFlag? Observe(AccessObservation entry)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(entry.RequestedAt, zone);
        if (Options.WorkingDays.Contains(local.DayOfWeek) && local.TimeOfDay >= Options.WorkingHoursStart && local.TimeOfDay < Options.WorkingHoursEnd)
            return null;
        var day = DateOnly.FromDateTime(local);
        if (flaggedDay.TryGetValue(entry.SubjectId, out var flagged) && flagged == day)
            return null;
        flaggedDay[entry.SubjectId] = day;
        return Flag(entry, FormattableString.Invariant($"{entry.Kind} requested on {local:dddd yyyy-MM-dd} at {local:HH:mm} {Options.TimeZone}, outside working hours."), [entry.Seq]);
    }

    public override JsonNode? SaveState() => new JsonObject(flaggedDay.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)Day(f.Value))));

    public override void LoadState(JsonNode state)
    {
        flaggedDay.Clear();
        foreach (var (user, value) in Users(state))
            flaggedDay[user] = Day(value);
    }
}

/// <summary>A user's queries today (UTC) above <c>VolumeFactor</c> × their own daily average over the preceding <c>BaselineDays</c>.</summary>
public sealed class VolumeAboveBaselineRule(AnomalyOptions options) : AnomalyRule(options)
{
    private sealed class UserDays
    {
        public DateOnly FirstDay;
        public DateOnly FlaggedDay;
        public readonly Dictionary<DateOnly, int> Counts = [];
    }

    private readonly Dictionary<string, UserDays> users = new(StringComparer.Ordinal);

    public override string Id => "volume-above-baseline";
    public override int Version => 1;
    public override string Description => FormattableString.Invariant(
        $"More than {Options.VolumeFactor} × a user's daily average of the previous {Options.BaselineDays} days, and at least {Options.VolumeMinimum} queries in a day (needs {Options.BaselineDays} days of history).");

    public override AnomalyFlag? Observe(AccessObservation entry)
    {
        var today = DateOnly.FromDateTime(entry.RequestedAt);
        if (!users.TryGetValue(entry.SubjectId, out var user))
            users[entry.SubjectId] = user = new UserDays { FirstDay = today, FlaggedDay = DateOnly.MinValue };
        var count = user.Counts[today] = user.Counts.GetValueOrDefault(today) + 1;
        // Keep only the baseline's days and today: bounded state per user.
        foreach (var old in user.Counts.Keys.Where(d => d < today.AddDays(-Options.BaselineDays)).ToList())
            user.Counts.Remove(old);
        if (user.FirstDay > today.AddDays(-Options.BaselineDays) || user.FlaggedDay == today || count < Options.VolumeMinimum)
            return null;
        var baseline = user.Counts.Where(c => c.Key < today).Sum(c => c.Value) / (double)Options.BaselineDays;
        if (count <= Options.VolumeFactor * baseline)
            return null;
        user.FlaggedDay = today;
        return Flag(entry, FormattableString.Invariant(
            $"{count} queries on {today:yyyy-MM-dd}, against a daily average of {baseline:0.#} over the previous {Options.BaselineDays} days (threshold {Options.VolumeFactor} ×)."), [entry.Seq]);
    }

    public override JsonNode? SaveState() => new JsonObject(users.Select(u => KeyValuePair.Create(u.Key, (JsonNode?)new JsonObject
    {
        ["first"] = Day(u.Value.FirstDay),
        ["flagged"] = Day(u.Value.FlaggedDay),
        ["counts"] = new JsonObject(u.Value.Counts.OrderBy(c => c.Key).Select(c => KeyValuePair.Create(Day(c.Key), (JsonNode?)c.Value))),
    })));

    public override void LoadState(JsonNode state)
    {
        users.Clear();
        foreach (var (id, value) in Users(state))
        {
            var user = new UserDays { FirstDay = Day(value["first"]), FlaggedDay = Day(value["flagged"]) };
            foreach (var (day, count) in value["counts"] as JsonObject ?? throw new InvalidDataException($"user {id}: counts missing"))
                user.Counts[Day((JsonNode)day)] = (int?)count ?? throw new InvalidDataException($"user {id}: count of {day} missing");
            users[id] = user;
        }
    }
}

/// <summary>Queries naming at least <c>DistinctStreamsThreshold</c> different streams within <c>DistinctStreamsWindow</c>.</summary>
public sealed class DistinctStreamsRule(AnomalyOptions options) : AnomalyRule(options)
{
    private readonly Dictionary<string, SlidingWindow<string>> windows = new(StringComparer.Ordinal);

    public override string Id => "many-distinct-streams";
    public override int Version => 1;
    public override string Description => FormattableString.Invariant(
        $"At least {Options.DistinctStreamsThreshold} different subjects or streams queried within {Options.DistinctStreamsWindow}.");

    public override AnomalyFlag? Observe(AccessObservation entry)
    {
        if (entry.Stream is not { } stream)
            return null;
        if (!windows.TryGetValue(entry.SubjectId, out var window))
            windows[entry.SubjectId] = window = new SlidingWindow<string>(Options.DistinctStreamsWindow);
        window.Add(entry.RequestedAt, entry.Seq, stream);
        if (window.DistinctKeys < Options.DistinctStreamsThreshold)
            return null;
        var flag = Flag(entry, FormattableString.Invariant(
            $"{window.DistinctKeys} different streams in {window.Count} queries within {Options.DistinctStreamsWindow}."), window.Seqs);
        window.Clear(); // the next flag needs a new set of entries
        return flag;
    }

    public override JsonNode? SaveState() => SlidingWindow<string>.Save(windows);

    public override void LoadState(JsonNode state) => SlidingWindow<string>.Load(state, windows, Options.DistinctStreamsWindow);
}

/// <summary>At least <c>UnmaskBurstThreshold</c> unmask requests within <c>UnmaskBurstWindow</c>.</summary>
public sealed class UnmaskBurstRule(AnomalyOptions options) : AnomalyRule(options)
{
    private readonly Dictionary<string, SlidingWindow<long>> windows = new(StringComparer.Ordinal);

    public override string Id => "unmask-burst";
    public override int Version => 1;
    public override string Description => FormattableString.Invariant(
        $"At least {Options.UnmaskBurstThreshold} requests to unmask personal data within {Options.UnmaskBurstWindow}.");

    public override AnomalyFlag? Observe(AccessObservation entry)
    {
        if (!entry.Unmask)
            return null;
        if (!windows.TryGetValue(entry.SubjectId, out var window))
            windows[entry.SubjectId] = window = new SlidingWindow<long>(Options.UnmaskBurstWindow);
        window.Add(entry.RequestedAt, entry.Seq, entry.Seq);
        if (window.Count < Options.UnmaskBurstThreshold)
            return null;
        var flag = Flag(entry, FormattableString.Invariant($"{window.Count} unmask requests within {Options.UnmaskBurstWindow}."), window.Seqs);
        window.Clear();
        return flag;
    }

    public override JsonNode? SaveState() => SlidingWindow<long>.Save(windows);

    public override void LoadState(JsonNode state) => SlidingWindow<long>.Load(state, windows, Options.UnmaskBurstWindow);
}

/// <summary>An unmask request, or a query of a kind in <c>CaseExpectedKinds</c>, that names no case. Every such entry.</summary>
public sealed class MissingCaseRule(AnomalyOptions options) : AnomalyRule(options)
{
    public override string Id => "query-without-case";
    public override int Version => 1;
    public override string Description =>
        $"An unmask request, or a query of kind {string.Join(", ", Options.CaseExpectedKinds)}, without a case.";

    public override AnomalyFlag? Observe(AccessObservation entry)
    {
        if (entry.CaseReference is not null || (!entry.Unmask && !Options.CaseExpectedKinds.Contains(entry.Kind, StringComparer.Ordinal)))
            return null;
        return Flag(entry, entry.Unmask ? $"{entry.Kind}: personal data unmasked without a case." : $"{entry.Kind} without a case.", [entry.Seq]);
    }
}

/// <summary>At least <c>RepeatedFailuresThreshold</c> refused or failed queries within <c>RepeatedFailuresWindow</c>.</summary>
public sealed class RepeatedFailuresRule(AnomalyOptions options) : AnomalyRule(options)
{
    private readonly Dictionary<string, SlidingWindow<long>> windows = new(StringComparer.Ordinal);

    public override string Id => "repeated-refusals";
    public override int Version => 1;
    public override string Description => FormattableString.Invariant(
        $"At least {Options.RepeatedFailuresThreshold} refused or failed queries within {Options.RepeatedFailuresWindow}.");

    public override AnomalyFlag? Observe(AccessObservation entry)
    {
        if (entry.Outcome is not (AccessLogOutcome.Refused or AccessLogOutcome.Failed))
            return null;
        if (!windows.TryGetValue(entry.SubjectId, out var window))
            windows[entry.SubjectId] = window = new SlidingWindow<long>(Options.RepeatedFailuresWindow);
        window.Add(entry.RequestedAt, entry.Seq, entry.Seq);
        if (window.Count < Options.RepeatedFailuresThreshold)
            return null;
        var flag = Flag(entry, FormattableString.Invariant($"{window.Count} refused or failed queries within {Options.RepeatedFailuresWindow}."), window.Seqs);
        window.Clear();
        return flag;
    }

    public override JsonNode? SaveState() => SlidingWindow<long>.Save(windows);

    public override void LoadState(JsonNode state) => SlidingWindow<long>.Load(state, windows, Options.RepeatedFailuresWindow);
}

/// <summary>A query naming a crypto-shredded subject: its <c>subject/&lt;id&gt;</c> stream, or the id as any parameter value.</summary>
public sealed class ErasedSubjectRule(AnomalyOptions options, Func<string, bool> isErased) : AnomalyRule(options)
{
    public override string Id => "erased-subject-access";
    public override int Version => 1;
    public override string Description => "A query that names an erased (crypto-shredded) subject.";

    public override AnomalyFlag? Observe(AccessObservation entry)
    {
        foreach (var (_, value) in entry.Parameters)
        {
            if (value is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var text) && isErased(text))
                return Flag(entry, $"{entry.Kind} names the erased subject {text}.", [entry.Seq]);
        }
        return null;
    }
}
