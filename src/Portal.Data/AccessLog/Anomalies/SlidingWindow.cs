using System.Text.Json.Nodes;

namespace AuditPortal.Data.AccessLog.Anomalies;

/// <summary>
/// The entries of one user within a time window, oldest first: each entry is added once and dropped once, so a
/// rule's work per entry is O(1) amortized however long the log is (no rescanning). Entries arrive in seq order;
/// their request times are nearly ordered, and an entry older than the newest by more than the window is dropped
/// on arrival.
/// </summary>
internal sealed class SlidingWindow<TKey>(TimeSpan length) where TKey : notnull
{
    private readonly Queue<(DateTime At, long Seq, TKey Key)> entries = new();
    private readonly Dictionary<TKey, int> counts = [];

    public int Count => entries.Count;

    /// <summary>Distinct keys in the window.</summary>
    public int DistinctKeys => counts.Count;

    public IReadOnlyList<long> Seqs => entries.Select(e => e.Seq).ToList();

    public void Add(DateTime at, long seq, TKey key)
    {
        entries.Enqueue((at, seq, key));
        counts[key] = counts.GetValueOrDefault(key) + 1;
        while (entries.Count > 0 && entries.Peek().At <= at - length)
        {
            var old = entries.Dequeue();
            if (--counts[old.Key] == 0)
                counts.Remove(old.Key);
        }
    }

    public void Clear()
    {
        entries.Clear();
        counts.Clear();
    }

    /// <summary>Every user's window as JSON: per user the entries oldest first, each <c>[time, seq, key]</c>.</summary>
    public static JsonObject Save(Dictionary<string, SlidingWindow<TKey>> windows) =>
        new(windows.Where(w => w.Value.Count > 0).Select(w => KeyValuePair.Create(w.Key, (JsonNode?)new JsonArray(
            w.Value.entries.Select(e => (JsonNode?)new JsonArray(JsonValue.Create(e.At), JsonValue.Create(e.Seq), JsonValue.Create(e.Key))).ToArray()))));

    /// <summary>Replaces <paramref name="windows"/> with those <see cref="Save"/> wrote, each of <paramref name="length"/>.</summary>
    public static void Load(JsonNode state, Dictionary<string, SlidingWindow<TKey>> windows, TimeSpan length)
    {
        windows.Clear();
        foreach (var (user, value) in state as JsonObject ?? throw new InvalidDataException("a window state must be a JSON object"))
        {
            var window = new SlidingWindow<TKey>(length);
            foreach (var entry in value as JsonArray ?? throw new InvalidDataException($"user {user}: entries missing"))
            {
                if (entry is not JsonArray { Count: 3 } e)
                    throw new InvalidDataException($"user {user}: an entry is not [time, seq, key]");
                window.Add(e[0]!.GetValue<DateTime>(), e[1]!.GetValue<long>(), e[2]!.GetValue<TKey>());
            }
            windows[user] = window;
        }
    }
}
