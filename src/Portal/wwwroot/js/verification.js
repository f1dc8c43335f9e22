// Live view of a verification run (Server-Sent Events). The page is complete without this script;
// it only appends findings and updates progress as they arrive. No inline script: the CSP forbids it.
(function () {
  'use strict';
  var section = document.getElementById('run');
  if (!section || !section.dataset.eventsUrl || !window.EventSource) return;

  var body = document.getElementById('findings-body');
  var noFindings = document.getElementById('no-findings');
  var seen = {};
  body.querySelectorAll('tr[data-ordinal]').forEach(function (tr) { seen[tr.dataset.ordinal] = true; });

  function field(name) { return section.querySelector('[data-field="' + name + '"]'); }
  function n(x) { return Math.round(x).toLocaleString('en-US'); }
  function cell(tr, text, code) {
    var td = document.createElement('td');
    if (code) { var c = document.createElement('code'); c.className = 'text-break'; c.textContent = text; td.appendChild(c); }
    else td.textContent = text == null ? '' : String(text);
    tr.appendChild(td);
    return td;
  }

  var source = new EventSource(section.dataset.eventsUrl);
  source.addEventListener('progress', function (e) {
    var p = JSON.parse(e.data);
    field('rows').textContent = n(p.rows) + (p.totalRows != null ? ' of ' + n(p.totalRows) : '');
    field('rate').textContent = n(p.rowsPerSecond);
    field('seq').textContent = n(p.currentSeq);
    field('eta').textContent = p.etaSeconds != null ? Math.ceil(p.etaSeconds) + ' s' : '–';
    field('findings').textContent = n(Math.max(p.findings, Object.keys(seen).length));
  });
  source.addEventListener('finding', function (e) {
    var f = JSON.parse(e.data);
    if (seen[f.ordinal]) return;
    seen[f.ordinal] = true;
    var tr = document.createElement('tr');
    tr.dataset.ordinal = f.ordinal; tr.dataset.kind = f.kind; tr.dataset.seq = f.seq == null ? '' : f.seq;
    cell(tr, f.ordinal); cell(tr, f.kind); cell(tr, f.seq);
    var stream = cell(tr, '');
    if (f.timelineUrl) {
      var a = document.createElement('a'); a.href = f.timelineUrl;
      a.textContent = f.stream + (f.streamSeq != null ? ' #' + f.streamSeq : '');
      stream.appendChild(a);
    } else stream.textContent = f.stream || '';
    cell(tr, f.expected, true); cell(tr, f.actual, true); cell(tr, f.message);
    body.appendChild(tr);
    noFindings.classList.add('d-none');
    field('findings').textContent = n(Object.keys(seen).length);
  });
  source.addEventListener('done', function (e) {
    var d = JSON.parse(e.data);
    source.close();
    section.dataset.status = d.status;
    var badge = section.querySelector('[data-testid="run-status"]');
    badge.dataset.status = d.status;
    badge.textContent = d.status === 'interrupted' ? 'interrupted — not verified to the end' : d.status;
    badge.className = 'badge ' + ({ completed: 'text-bg-success', cancelled: 'text-bg-secondary', interrupted: 'text-bg-warning' }[d.status] || 'text-bg-danger');
    if (d.actor && d.status === 'cancelled') badge.insertAdjacentText('afterend', ' by ' + d.actor);
    if (d.rows != null) field('rows').textContent = n(d.rows);
    if (d.totalFindings != null) field('findings').textContent = n(d.totalFindings);
    var cancel = document.getElementById('cancel-form'); if (cancel) cancel.remove();
    var note = document.getElementById('live-note'); if (note) note.remove();
    if (d.status === 'completed' && d.totalFindings === 0) noFindings.textContent = 'No findings.';
  });
})();
