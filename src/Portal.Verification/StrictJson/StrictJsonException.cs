namespace AuditPortal.Verification.StrictJson;

/// <summary>
/// A document broke one of the strict reading rules (docs/ledger-format.md §1.1). <see cref="Rule"/> names
/// the rule (<c>json</c>, <c>lone_surrogate</c>, <c>integer</c>, <c>duplicate_member</c>, <c>unknown_member</c>,
/// <c>member</c>), <see cref="Path"/> where it broke, as a JSON path from the document root
/// (<c>$.events[2].canonical</c>), and <see cref="Got"/> / <see cref="Want"/> what was there and what the rule wants.
/// </summary>
public sealed class StrictJsonException(string rule, string path, string got, string want)
    : FormatException($"{path}: got {got}, want {want}")
{
    public string Rule { get; } = rule;
    public string Path { get; } = path;
    public string Got { get; } = got;
    public string Want { get; } = want;
}
