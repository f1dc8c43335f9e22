namespace AuditPortal.Portal.Lineage;

/// <summary>A node of the lineage graph; <see cref="Url"/> is its timeline (where a tap goes).</summary>
/// <param name="Kind">output (the page's event), derived (has a rule), input, missing (not in the ledger), stale (corrected after its output).</param>
public sealed record GraphNode(string Id, string Label, string Kind, string? Url);

public sealed record GraphEdge(string Source, string Target);

/// <summary>What the graph draws (the same nodes as <see cref="LineageTable"/>), handed to <c>wwwroot/js/lineage-graph.js</c> as JSON.</summary>
public sealed record LineageGraphData(IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges)
{
    public static LineageGraphData From(LineageView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var nodes = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        var edges = new HashSet<GraphEdge>();
        var o = view.Root.Output;
        nodes[Key(o.EventId)] = new GraphNode(Key(o.EventId), Label(o.Action, LineageParameters.Stream(o), o.StreamSeq), "output",
            PortalUrls.TimelineEvent(o.Stream.Type, o.Stream.Id, o.StreamSeq));
        foreach (var lineage in new[] { view.Root }.Concat(view.Expanded.Values))
        {
            foreach (var input in lineage.Inputs)
            {
                var id = Key(input.EventId);
                var n = input.Node;
                var kind = n is null ? "missing" : input.CorrectedAfterOutput.Count > 0 ? "stale" : n.Rule is not null ? "derived" : "input";
                if (!nodes.TryGetValue(id, out var existing) || existing.Kind == "input")
                {
                    nodes[id] = n is null
                        ? new GraphNode(id, "missing\n" + id[..8], kind, null)
                        : new GraphNode(id, Label(n.Action, LineageParameters.Stream(n), n.StreamSeq), kind, PortalUrls.TimelineEvent(n.Stream.Type, n.Stream.Id, n.StreamSeq));
                }
                edges.Add(new GraphEdge(id, Key(lineage.Output.EventId)));
            }
        }
        return new LineageGraphData([.. nodes.Values], [.. edges]);
    }


    private static string Label(string action, string stream, long streamSeq) =>
        action + "\n" + (stream.Length > 32 ? stream[..31] + "…" : stream) + " #" + streamSeq.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Key(Guid id) => id.ToString("D");
}
