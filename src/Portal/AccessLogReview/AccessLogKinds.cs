using System.Reflection;
using AuditPortal.Portal.Gateway;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>The query kind names offered in the browser's filter: every <see cref="QueryKinds"/> member, read once.</summary>
public static class AccessLogKinds
{
    public static IReadOnlyList<string> Names { get; } = typeof(QueryKinds)
        .GetProperties(BindingFlags.Public | BindingFlags.Static)
        .Where(p => p.PropertyType == typeof(QueryKind))
        .Select(p => ((QueryKind)p.GetValue(null)!).Name)
        .Order(StringComparer.Ordinal)
        .ToList();
}
