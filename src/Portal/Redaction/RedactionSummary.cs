namespace AuditPortal.Portal.Redaction;

/// <summary>
/// What the redaction policy met in one result, for the page: which data subjects and fields were there
/// (the grant dialog offers those, and only those), which subjects are erased and since when, and which
/// (subject, field) values it revealed. Ids and field names only: never a value.
/// </summary>
public sealed class RedactionSummary
{
    private readonly SortedDictionary<string, SortedSet<string>> fields = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, DateTimeOffset?> erased = new(StringComparer.Ordinal);
    private readonly HashSet<(string Subject, string Field)> revealed = [];

    public static RedactionSummary Empty { get; } = new();

    /// <summary>Data subject → the member names of its envelopes in the result.</summary>
    public IReadOnlyDictionary<string, SortedSet<string>> FieldsBySubject => fields;

    /// <summary>Crypto-shredded subjects in the result, with the erasure time when known.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset?> Erased => erased;

    public IReadOnlyCollection<(string Subject, string Field)> Revealed => revealed;

    public bool Contains(string subject) => fields.ContainsKey(subject);

    internal void Saw(string subject, string field)
    {
        if (!fields.TryGetValue(subject, out var set))
            fields[subject] = set = new SortedSet<string>(StringComparer.Ordinal);
        set.Add(field);
    }

    internal void SawErased(string subject, DateTimeOffset? at) => erased[subject] = at;

    internal void SawRevealed(string subject, string field) => revealed.Add((subject, field));
}
