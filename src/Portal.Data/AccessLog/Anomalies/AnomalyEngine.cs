using System.Text.Json.Nodes;

namespace AuditPortal.Data.AccessLog.Anomalies;

/// <summary>
/// Runs every rule over the access log incrementally: <see cref="Observe"/> takes each logged query once, in seq
/// order, and returns the flags it raised. No rule rescans: each keeps bounded state per user (a window, a day's
/// counts). Not thread-safe: one engine is fed by one loop.
/// </summary>
public sealed class AnomalyEngine
{
    public AnomalyEngine(AnomalyOptions options, Func<string, bool> isErased)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(isErased);
        options.Validate();
        Rules =
        [
            new OutsideWorkingHoursRule(options), new VolumeAboveBaselineRule(options), new DistinctStreamsRule(options),
            new UnmaskBurstRule(options), new MissingCaseRule(options), new RepeatedFailuresRule(options), new ErasedSubjectRule(options, isErased),
        ];
        var described = string.Join('\n', Rules.Select(r => RuleKey(r))) + '\n' + System.Text.Json.JsonSerializer.Serialize(options);
        ConfigurationKey = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(described)))[..32];
    }

    public IReadOnlyList<AnomalyRule> Rules { get; }

    /// <summary>
    /// Names this engine's configuration — every rule's id and version and every threshold — by a hash: a saved state
    /// resumes only an engine of the same key (a state built under other thresholds would carry their windows over).
    /// </summary>
    public string ConfigurationKey { get; }

    /// <summary>The seq of the last entry observed (0 before the first); the next one must be greater.</summary>
    public long LastSeq { get; private set; }

    /// <exception cref="ArgumentException">The entry is not after the last one observed (it would be counted twice).</exception>
    public IReadOnlyList<AnomalyFlag> Observe(AccessObservation entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Seq <= LastSeq)
            throw new ArgumentException($"entries must arrive in seq order: got {entry.Seq} after {LastSeq}", nameof(entry));
        LastSeq = entry.Seq;
        List<AnomalyFlag>? flags = null;
        foreach (var rule in Rules)
        {
            if (rule.Observe(entry) is { } flag)
                (flags ??= []).Add(flag);
        }
        return flags ?? (IReadOnlyList<AnomalyFlag>)[];
    }

    /// <summary>
    /// The engine's state after <see cref="LastSeq"/>: that seq and each rule's state under its id and version. An engine
    /// given it by <see cref="LoadState"/> continues exactly as this one would (the watermark the monitor resumes from).
    /// </summary>
    public JsonObject SaveState()
    {
        var rules = new JsonObject();
        foreach (var rule in Rules)
        {
            if (rule.SaveState() is { } state)
                rules[RuleKey(rule)] = state;
        }
        return new JsonObject { ["last_seq"] = LastSeq, ["rules"] = rules };
    }

    /// <summary>
    /// Continues from a state <see cref="SaveState"/> wrote: <see cref="LastSeq"/> and every rule's state. A rule whose id
    /// and version the state does not hold (new, or changed since) starts empty. Thresholds are this engine's: a changed
    /// threshold applies from the watermark on.
    /// </summary>
    /// <exception cref="InvalidDataException">The state is malformed; the engine is then unchanged only if it was new.</exception>
    public void LoadState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var lastSeq = state["last_seq"] is JsonValue seq && seq.TryGetValue<long>(out var n) ? n : throw new InvalidDataException("the anomaly state has no last_seq");
        var rules = state["rules"] as JsonObject ?? throw new InvalidDataException("the anomaly state has no rules");
        foreach (var rule in Rules)
        {
            if (rules[RuleKey(rule)] is not { } ruleState)
                continue;
            try
            {
                rule.LoadState(ruleState);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or System.Text.Json.JsonException)
            {
                throw new InvalidDataException($"the anomaly state of {RuleKey(rule)} is malformed: {ex.Message}", ex);
            }
        }
        LastSeq = lastSeq;
    }

    private static string RuleKey(AnomalyRule rule) => FormattableString.Invariant($"{rule.Id}/v{rule.Version}");
}
