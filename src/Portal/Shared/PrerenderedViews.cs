using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace AuditPortal.Portal.Shared;

/// <summary>
/// Hands what a page loaded while it was prerendered to the same page's first render in its circuit, so a
/// page view queries the gateway once, not twice (docs/ui.md). The prerender keeps the loaded value here
/// under a random token and persists only the token in the page (<see cref="Microsoft.AspNetCore.Components.PersistentComponentState"/>,
/// protected by Data Protection); the circuit takes the value back with it, once.
/// </summary>
/// <remarks>
/// In memory, per instance: a circuit runs on the instance that prerendered its page (sticky sessions,
/// DESIGN §3). A value is kept for <see cref="Lifetime"/> at most and only for the user who loaded it;
/// a circuit that comes later (or never: a client without JavaScript, a benchmark) finds nothing and the
/// page simply queries again, which the access log records as the second view it is. At most
/// <see cref="Capacity"/> values are held, so prerenders that never get a circuit cannot exhaust memory, and
/// expired values are swept at most once per <see cref="Lifetime"/> as new ones come in (once per
/// <see cref="FullSweepInterval"/> while the store is full): a burst of prerenders
/// without circuits (a load test, a crawler) used to leave up to <see cref="Capacity"/> whole views (a timeline page
/// each) on the heap until the store filled up.
/// </remarks>
public sealed class PrerenderedViews(TimeProvider time)
{
    /// <summary>How long a prerendered value waits for its circuit.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>Most values held at once.</summary>
    public const int Capacity = 2000;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    private sealed record Entry(string Owner, object Value, DateTimeOffset Expires);

    /// <summary>When a full store sweeps again at the soonest: a store held full by prerenders without circuits must not
    /// walk all <see cref="Capacity"/> values on every request (it did: one of the contended locks of a load test).</summary>
    public static readonly TimeSpan FullSweepInterval = TimeSpan.FromSeconds(1);

    /// <summary>When <see cref="Keep"/> last swept out expired values (UTC ticks; concurrent sweeps are harmless).</summary>
    private long lastSweepTicks;

    /// <summary>Number of values waiting for their circuit.</summary>
    public int Count => entries.Count;

    /// <summary>Keeps <paramref name="value"/> for <paramref name="owner"/>; returns its token, or null when full.</summary>
    public string? Keep(object value, string owner)
    {
        ArgumentNullException.ThrowIfNull(value);
        var now = time.GetUtcNow();
        var sinceSweep = now.UtcTicks - Interlocked.Read(ref lastSweepTicks);
        if (sinceSweep >= Lifetime.Ticks || (entries.Count >= Capacity && sinceSweep >= FullSweepInterval.Ticks))
        {
            Interlocked.Exchange(ref lastSweepTicks, now.UtcTicks);
            foreach (var (token, entry) in entries)
            {
                if (entry.Expires <= now)
                    entries.TryRemove(token, out _);
            }
        }
        if (entries.Count >= Capacity)
            return null;
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        entries[key] = new Entry(owner, value, now + Lifetime);
        return key;
    }

    /// <summary>Takes the value kept under <paramref name="token"/> if it is <paramref name="owner"/>'s, unexpired and a <typeparamref name="T"/>.</summary>
    public T? Take<T>(string token, string owner) where T : class
    {
        if (!entries.TryRemove(token, out var entry))
            return null;
        return entry.Owner == owner && entry.Expires > time.GetUtcNow() ? entry.Value as T : null;
    }
}
