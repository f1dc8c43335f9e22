using System.Text.Json;

namespace AuditPortal.Tests.Verification;

/// <summary>Locates and reads the data files under testdata/ (copied next to the test assembly).</summary>
internal static class TestDataFiles
{
    public static string Directory(string kind) => Path.Combine(AppContext.BaseDirectory, "testdata", kind);

    /// <summary>The case names (file names without .json) of one kind, for [MemberData].</summary>
    public static TheoryData<string> Cases(string kind, string prefix = "", Func<string, bool>? include = null)
    {
        var data = new TheoryData<string>();
        foreach (var file in System.IO.Directory.GetFiles(Directory(kind), prefix + "*.json").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            if (include?.Invoke(name) ?? true)
            {
                data.Add(name);
            }
        }

        return data;
    }

    public static JsonElement Read(string kind, string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory(kind), name + ".json")));
        return document.RootElement.Clone();
    }
}
