// The lineage DAG (Lineage/LineageGraph.razor): Cytoscape.js with the dagre layout, both from npm, copied into
// wwwroot/lib/lineage by the build (Portal.csproj, BundleLineageGraph). A module: the CSP allows no inline script.
import cytoscape from '../lib/lineage/cytoscape.esm.min.mjs';
import cytoscapeDagre from '../lib/lineage/cytoscape-dagre.min.mjs';

cytoscape.use(cytoscapeDagre);

const graphs = new WeakMap();

const colors = {
  output: '#1565c0', derived: '#6a1b9a', input: '#455a64', stale: '#ef6c00', missing: '#c62828',
};

export function render(container, graph) {
  dispose(container);
  container.replaceChildren();
  const elements = [
    ...graph.nodes.map(n => ({ data: { id: n.id, label: n.label, kind: n.kind, url: n.url } })),
    ...graph.edges.map(e => ({ data: { id: e.source + '>' + e.target, source: e.source, target: e.target } })),
  ];
  const cy = cytoscape({
    container,
    elements,
    layout: { name: 'dagre', rankDir: 'LR', nodeSep: 12, rankSep: 60 },
    autoungrabify: true,
    boxSelectionEnabled: false,
    wheelSensitivity: 0.3,
    style: [
      {
        selector: 'node',
        style: {
          shape: 'round-rectangle', width: 150, height: 44, 'background-color': ele => colors[ele.data('kind')] || colors.input,
          label: 'data(label)', color: '#fff', 'font-size': 9, 'text-wrap': 'wrap', 'text-max-width': 140,
          'text-valign': 'center', 'text-halign': 'center',
        },
      },
      { selector: 'edge', style: { width: 1.5, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'line-color': '#90a4ae', 'target-arrow-color': '#90a4ae' } },
    ],
  });
  cy.on('tap', 'node', evt => {
    const url = evt.target.data('url');
    if (!url) return;
    if (window.Blazor && typeof window.Blazor.navigateTo === 'function') window.Blazor.navigateTo(url);
    else window.location.assign(url);
  });
  // Cytoscape caches where its container is on the page; the page around it moves after it is drawn (the
  // drawer and grid settle once the circuit renders), which made taps miss. Re-measure before any pointer input.
  const remeasure = () => cy.resize();
  container.addEventListener('pointerenter', remeasure, true);
  container.addEventListener('pointerdown', remeasure, true);
  graphs.set(container, cy);
  // For tests and scripts: how many nodes are drawn and where (rendered pixels inside the container).
  const positions = {};
  cy.nodes().forEach(n => { const p = n.renderedPosition(); positions[n.id()] = [Math.round(p.x), Math.round(p.y)]; });
  container.dataset.nodes = String(cy.nodes().length);
  container.dataset.positions = JSON.stringify(positions);
  container.dataset.ready = 'true';
}

export function dispose(container) {
  const cy = graphs.get(container);
  if (cy) {
    cy.destroy();
    graphs.delete(container);
  }
}
