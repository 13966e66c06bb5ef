// The Sluice dashboard, one page for every product: renders each snapshot pushed on
// /dashboard/events (its shape is documented in dev.sluice.dashboard.Snapshot): the title, the
// gate badge, a line of totals, a chart of the last two minutes and any number of tables.
// Plain DOM, SVG and canvas; no dependencies. Ids and texts come from the server (and tenant or
// agent ids from its clients), so they are only ever set as text, never parsed as HTML.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var HISTORY = 120; // snapshots kept for the chart: two minutes at one per second
  var COLORS = ['#3b6fd4', '#2e9e5b', '#d08a1e', '#8a4fc7', '#d0473a', '#1a9aa8'];
  var history = [];
  var seq = 0;
  var source = null;

  function $(id) { return document.getElementById(id); }

  function color(tone) { return COLORS[Math.abs(tone || 0) % COLORS.length]; }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function bar(td, c) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'bar');
    svg.setAttribute('width', '100%');
    svg.setAttribute('height', '14');
    var back = document.createElementNS(SVG, 'rect');
    back.setAttribute('width', '100%');
    back.setAttribute('height', '14');
    back.setAttribute('fill', '#eef0f3');
    var front = document.createElementNS(SVG, 'rect');
    front.setAttribute('width', (Math.max(0, Math.min(1, c.bar || 0)) * 100).toFixed(1) + '%');
    front.setAttribute('height', '14');
    front.setAttribute('fill', color(c.tone));
    var text = document.createElementNS(SVG, 'text');
    text.setAttribute('x', '4');
    text.setAttribute('y', '11');
    text.setAttribute('font-size', '11');
    text.textContent = c.text || '';
    svg.appendChild(back);
    svg.appendChild(front);
    svg.appendChild(text);
    td.appendChild(svg);
  }

  function cell(column, c) {
    var td = element('td', column.key + (column.bar ? ' bar-col' : ''));
    if (!c) { return td; }
    if (c.value !== undefined && c.value !== null) { td.dataset.value = String(c.value); }
    if (c.bar !== undefined) {
      bar(td, c);
    } else if (c.badge !== undefined) {
      td.appendChild(element('span', 'badge ' + (c.badge ? 'ok' : 'bad'), c.text));
    } else {
      td.textContent = c.text === undefined ? '' : c.text;
    }
    return td;
  }

  // The section of table t, made on first sight; sections follow the snapshot's order.
  function section(t, index) {
    var container = $('tables');
    var found = container.querySelector('section[data-table="' + CSS.escape(t.id) + '"]');
    if (!found) {
      found = element('section');
      found.dataset.table = t.id;
      var h2 = element('h2');
      h2.appendChild(element('span', 'title'));
      h2.appendChild(document.createTextNode(' '));
      h2.appendChild(element('small', 'note'));
      found.appendChild(h2);
      var table = element('table');
      table.id = t.id;
      table.appendChild(element('thead'));
      table.appendChild(element('tbody'));
      found.appendChild(table);
    }
    if (container.children[index] !== found) {
      container.insertBefore(found, container.children[index] || null);
    }
    return found;
  }

  function renderTable(t, index) {
    var s = section(t, index);
    s.querySelector('.title').textContent = t.title;
    s.querySelector('.note').textContent = t.note || '';
    var table = s.querySelector('table');
    var head = element('thead');
    var tr = element('tr');
    t.columns.forEach(function (column) {
      var th = element('th', column.bar ? 'bar-col' : '', column.label);
      if (column.hint) { th.title = column.hint; }
      tr.appendChild(th);
    });
    head.appendChild(tr);
    var body = element('tbody');
    t.rows.forEach(function (row) {
      var r = element('tr', row.others ? 'others' : '');
      r.dataset[t.rowAttribute] = row.id;
      t.columns.forEach(function (column) { r.appendChild(cell(column, row.cells[column.key])); });
      body.appendChild(r);
    });
    table.replaceChild(head, table.tHead);
    table.replaceChild(body, table.tBodies[0]);
  }

  function renderTables(s) {
    var ids = {};
    s.tables.forEach(function (t, i) { ids[t.id] = true; renderTable(t, i); });
    Array.from($('tables').children).forEach(function (child) {
      if (!ids[child.dataset.table]) { child.remove(); }
    });
  }

  function renderHeader(s) {
    document.title = s.title;
    $('title').textContent = s.title;
    var gate = $('gate');
    gate.hidden = !s.gate;
    if (s.gate) {
      gate.textContent = s.gate.text;
      gate.className = 'badge ' + (s.gate.open ? 'open' : 'closed');
      gate.dataset.open = String(s.gate.open);
    }
    $('totals').textContent = s.totals || '';
    var links = $('links');
    if (links.dataset.for !== JSON.stringify(s.links)) {
      links.dataset.for = JSON.stringify(s.links);
      links.textContent = '';
      s.links.forEach(function (path, i) {
        links.appendChild(document.createTextNode(i === 0 ? '; the same numbers are in ' : ' and '));
        var a = element('a', '', path);
        a.href = path;
        links.appendChild(a);
      });
    }
  }

  function renderChart(s) {
    var section = $('chart');
    section.hidden = !s.chart;
    if (!s.chart) { return; }
    $('chart-title').textContent = s.chart.title;
    $('chart-note').textContent = s.chart.note || '';
    var point = {};
    s.chart.series.forEach(function (series) { point[series.name] = series.value; });
    history.push(point);
    if (history.length > HISTORY) { history.shift(); }
    var canvas = $('history');
    var g = canvas.getContext('2d');
    var w = canvas.width, h = canvas.height;
    g.clearRect(0, 0, w, h);
    var max = 1;
    history.forEach(function (p) {
      Object.keys(p).forEach(function (k) { max = Math.max(max, p[k]); });
    });
    g.font = '11px sans-serif';
    g.fillStyle = '#667';
    g.fillText(max.toFixed(1), 4, 12);
    var x0 = 70;
    s.chart.series.forEach(function (series) {
      g.strokeStyle = color(series.tone);
      g.lineWidth = 2;
      g.beginPath();
      history.forEach(function (p, x) {
        var v = p[series.name] || 0;
        var px = (x + HISTORY - history.length) * (w / (HISTORY - 1));
        var py = h - 4 - (v / max) * (h - 20);
        if (x === 0) { g.moveTo(px, py); } else { g.lineTo(px, py); }
      });
      g.stroke();
      g.fillStyle = g.strokeStyle;
      g.fillText(series.name, x0, 12);
      x0 += g.measureText(series.name).width + 20;
    });
  }

  function render(s) {
    renderHeader(s);
    renderChart(s);
    renderTables(s);
    seq += 1;
    var updated = $('updated');
    updated.dataset.seq = String(seq);
    updated.textContent = new Date().toLocaleTimeString();
  }

  function connect() {
    source = new EventSource('/dashboard/events');
    source.onopen = function () {
      $('connection').textContent = 'live';
      $('connection').className = 'badge live';
    };
    source.onmessage = function (event) { render(JSON.parse(event.data)); };
    source.onerror = function () {
      $('connection').textContent = 'reconnecting';
      $('connection').className = 'badge stale';
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (an answer that was not an event stream): start over ourselves.
        source.close();
        setTimeout(connect, 1000);
      }
    };
  }

  connect();
}());
