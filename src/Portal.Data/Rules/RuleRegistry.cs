namespace AuditPortal.Data.Rules;

/// <summary>
/// Every rule version this code has: (rule id, version) → <see cref="DerivationRule"/>. Lineage that names a
/// version not listed here cannot be replayed (<see cref="Find"/> says so), and an input produced by one is a
/// verifier finding (docs/lineage.md). A version is never changed once events carry it: a changed
/// derivation is a new version.
/// </summary>
public static class RuleRegistry
{
    /// <summary>Tax years the 1099-B rule's code covers.</summary>
    public const int FirstTaxYear = 2020, LastTaxYear = 2030;

    private static readonly Dictionary<(string Id, string Version), DerivationRule> Rules = Build();

    private static Dictionary<(string, string), DerivationRule> Build()
    {
        var rules = new List<DerivationRule> { new DividendEntitlementRule() };
        for (var year = FirstTaxYear; year <= LastTaxYear; year++)
        {
            rules.Add(new Form1099BRule(year, 1));
            rules.Add(new Form1099BRule(year, 2));
        }
        return rules.ToDictionary(r => (r.Id, r.Version));
    }

    /// <summary>Every (rule id, version) the code has, ordered.</summary>
    public static IReadOnlyList<(string Id, string Version)> Known { get; } =
        [.. Rules.Keys.OrderBy(k => k.Id, StringComparer.Ordinal).ThenBy(k => k.Version, StringComparer.Ordinal)];

    public static bool IsKnown(string ruleId, string version) => Rules.ContainsKey((ruleId, version));

    /// <summary>The rule, or null with <paramref name="problem"/> saying which versions of that rule the code has.</summary>
    public static DerivationRule? Find(string ruleId, string version, out string? problem)
    {
        if (Rules.TryGetValue((ruleId, version), out var rule))
        {
            problem = null;
            return rule;
        }
        var versions = Known.Where(k => k.Id == ruleId).Select(k => k.Version).ToList();
        problem = versions.Count == 0
            ? $"this code has no rule '{ruleId}'"
            : $"this code has no version '{version}' of rule '{ruleId}' (it has {versions[0]} … {versions[^1]}, {versions.Count} versions)";
        return null;
    }

    /// <summary>The rule; throws when the code does not have it (a producer may only use rules it has).</summary>
    public static DerivationRule Require(string ruleId, string version) =>
        Find(ruleId, version, out var problem) ?? throw new InvalidOperationException(problem);
}
