using System.Text.RegularExpressions;
using AuditPortal.Tests.Verification.Ledger;

namespace AuditPortal.Tests.Portal;

/// <summary>
/// SQL lives in Portal.Data (docs/ui.md): the web project, the evidence project and the CLI compose its reads and never
/// write a statement of their own, so each read of a table is written once, where its twin can be found.
/// </summary>
public sealed partial class SqlPlacementTests
{
    private static readonly string[] ProjectsWithoutSql = ["src/Portal", "src/Portal.Evidence", "src/Portal.Cli"];

    [Fact]
    public void NoStatementIsWrittenOutsidePortalData()
    {
        var root = FormatExampleTests.RepoRoot();
        var found = ProjectsWithoutSql.SelectMany(project => StatementsIn(Path.Combine(root, project)))
            .Select(hit => $"{Path.GetRelativePath(root, hit.File)}:{hit.Line}: {hit.Text}").ToList();
        found.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("""    await using var cmd = session.CreateCommand("SELECT count(*) FROM ledger.events");""")]
    [InlineData("""        INSERT INTO workspace.known_users (subject_id) VALUES ({subject})""")]
    [InlineData("""    $"UPDATE workspace.cases SET title = {title}",""")]
    [InlineData("""    await Run($"LISTEN {Channel}");""")]
    public void AStatementIsFound(string line) => IsStatement(line).ShouldBeTrue();

    [Theory]
    [InlineData("""    /// <summary>Runs the SELECT the data layer wrote.</summary>""")]
    [InlineData("""    // SELECT in a comment is prose""")]
    [InlineData("""    var selection = await selector.SelectAsync(ct);""")]
    public void ProseAndCodeAreNot(string line) => IsStatement(line).ShouldBeFalse();

    private static IEnumerable<(string File, int Line, string Text)> StatementsIn(string directory) =>
        Directory.EnumerateFiles(directory, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .SelectMany(f => File.ReadLines(f).Select((text, i) => (File: f, Line: i + 1, Text: text.Trim())))
            .Where(hit => IsStatement(hit.Text));

    private static bool IsStatement(string line)
    {
        var text = line.TrimStart();
        return !text.StartsWith("//", StringComparison.Ordinal) && !text.StartsWith('*') && !text.StartsWith("@*", StringComparison.Ordinal)
            && Statement().IsMatch(text);
    }

    [GeneratedRegex(@"\b(SELECT\s+\S|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+[a-z_.]+\s+SET|LISTEN\s|NOTIFY\s|pg_notify\()")]
    private static partial Regex Statement();
}
