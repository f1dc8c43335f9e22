// The lineage DAG (Lineage/LineageGraph.razor): Cytoscape.js with the dagre layout, both from npm, copied into
// wwwroot/lib/lineage by the build (Portal.csproj, BundleLineageGraph). A module: the CSP allows no inline script.
import cytoscape from '../lib/lineage/cytoscape.esm.min.mjs';
import cytoscapeDagre from '../lib/lineage/cytoscape-dagre.min.mjs';

cytoscape.use(cytoscapeDagre);

const graphs = new WeakMap();

const colors = {
  output: '#1565c0', derived: '#6a1b9a', input: '#455a64', stale: '#ef6c00', missing: '#c62828',
};

export function render(container, graph, announcer) {
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
      { selector: 'node.keyboard-focus', style: { 'border-width': 4, 'border-color': '#ffb300', 'border-style': 'solid' } },
      { selector: 'edge', style: { width: 1.5, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'line-color': '#90a4ae', 'target-arrow-color': '#90a4ae' } },
    ],
  });
  cy.on('tap', 'node', evt => {
    const url = evt.target.data('url');
    if (url) open(url);
  });
  // Cytoscape caches where its container is on the page; the page around it moves after it is drawn (the
  // drawer and grid settle once the circuit renders), which made taps miss. Re-measure before any pointer input.
  const remeasure = () => cy.resize();
  container.addEventListener('pointerenter', remeasure, true);
  container.addEventListener('pointerdown', remeasure, true);
  const onKey = keyboard(cy, container, announcer);
  container.addEventListener('keydown', onKey);
  graphs.set(container, { cy, onKey });
  // For tests and scripts: how many nodes are drawn and where (rendered pixels inside the container).
  const positions = {};
  cy.nodes().forEach(n => { const p = n.renderedPosition(); positions[n.id()] = [Math.round(p.x), Math.round(p.y)]; });
  container.dataset.nodes = String(cy.nodes().length);
  container.dataset.positions = JSON.stringify(positions);
  container.dataset.ready = 'true';
}

export function dispose(container) {
  const drawn = graphs.get(container);
  if (drawn) {
    container.removeEventListener('keydown', drawn.onKey);
    drawn.cy.destroy();
    graphs.delete(container);
  }
}

// Keyboard access (the graph is focusable): Home goes to the output, ArrowLeft to the focused event's inputs,
// ArrowRight to the output it feeds, ArrowUp/ArrowDown to the neighbours in the same column, Enter opens the
// focused event's timeline. The focused event is outlined and announced in the live region beside the graph.
function keyboard(cy, container, announcer) {
  let focused = null;
  const byPosition = nodes => nodes.sort((a, b) => a.position('y') - b.position('y') || a.position('x') - b.position('x'));
  const column = node => byPosition(cy.nodes().filter(n => Math.abs(n.position('x') - node.position('x')) < 1).toArray());
  const output = () => cy.nodes().filter(n => n.data('kind') === 'output')[0] || cy.nodes()[0];
  const moveTo = node => {
    if (!node) return;
    if (focused) focused.removeClass('keyboard-focus');
    focused = node;
    node.addClass('keyboard-focus');
    const extent = cy.extent(), p = node.position();
    if (p.x < extent.x1 || p.x > extent.x2 || p.y < extent.y1 || p.y > extent.y2) cy.center(node);
    if (announcer) {
      const inputs = node.incomers('node').length, place = column(node).indexOf(node) + 1;
      announcer.textContent = node.data('label').replace('\n', ' ') + ' (' + node.data('kind') + '; ' + inputs
        + (inputs === 1 ? ' input' : ' inputs') + '; ' + place + ' of ' + column(node).length + ' in its column)'
        + (node.data('url') ? '. Enter opens its timeline.' : '.');
      announcer.dataset.node = node.id();
      announcer.dataset.url = node.data('url') || '';
    }
  };
  return evt => {
    const step = {
      Home: () => output(),
      ArrowLeft: () => focused && byPosition(focused.incomers('node').toArray())[0],
      ArrowRight: () => focused && byPosition(focused.outgoers('node').toArray())[0],
      ArrowUp: () => focused && column(focused)[column(focused).indexOf(focused) - 1],
      ArrowDown: () => focused && column(focused)[column(focused).indexOf(focused) + 1],
    }[evt.key];
    if (step) {
      evt.preventDefault();
      moveTo(step() || focused || output());
    } else if ((evt.key === 'Enter' || evt.key === ' ') && focused && focused.data('url')) {
      evt.preventDefault();
      open(focused.data('url'));
    }
  };
}

function open(url) {
  if (window.Blazor && typeof window.Blazor.navigateTo === 'function') window.Blazor.navigateTo(url);
  else window.location.assign(url);
}
