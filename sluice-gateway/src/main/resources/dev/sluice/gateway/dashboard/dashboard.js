// The Sluice gateway dashboard: renders each snapshot pushed on /dashboard/events.
// Plain DOM, SVG and canvas; no dependencies. Tenant ids come from clients, so they are only ever
// set as text, never parsed as HTML.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var HISTORY = 120; // snapshots kept for the chart: two minutes at one per second
  var COLORS = ['#3b6fd4', '#2e9e5b', '#d08a1e', '#8a4fc7', '#d0473a', '#1a9aa8'];
  var history = [];
  var seq = 0;
  var source = null;

  function $(id) { return document.getElementById(id); }

  function fmt(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) { return '-'; }
    return Number(value).toFixed(digits === undefined ? 0 : digits);
  }

  function cell(row, name, value, text) {
    var td = document.createElement('td');
    td.className = name;
    if (value !== null && value !== undefined) { td.dataset.value = String(value); }
    td.textContent = text === undefined ? fmt(value) : text;
    row.appendChild(td);
    return td;
  }

  function bar(row, name, fraction, color, label) {
    var td = cell(row, name + ' bar-col', fraction, '');
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'bar');
    svg.setAttribute('width', '100%');
    svg.setAttribute('height', '14');
    var back = document.createElementNS(SVG, 'rect');
    back.setAttribute('width', '100%');
    back.setAttribute('height', '14');
    back.setAttribute('fill', '#eef0f3');
    var front = document.createElementNS(SVG, 'rect');
    front.setAttribute('width', (Math.max(0, Math.min(1, fraction || 0)) * 100).toFixed(1) + '%');
    front.setAttribute('height', '14');
    front.setAttribute('fill', color);
    var text = document.createElementNS(SVG, 'text');
    text.setAttribute('x', '4');
    text.setAttribute('y', '11');
    text.setAttribute('font-size', '11');
    text.textContent = label;
    svg.appendChild(back);
    svg.appendChild(front);
    svg.appendChild(text);
    td.appendChild(svg);
  }

  function replaceBody(table, rows) {
    var body = document.querySelector('#' + table + ' tbody');
    var fresh = document.createElement('tbody');
    rows.forEach(function (row) { fresh.appendChild(row); });
    body.parentNode.replaceChild(fresh, body);
  }

  function bandColor(priority, bands) {
    var index = bands.map(function (b) { return b.priority; }).indexOf(priority);
    return COLORS[(index < 0 ? 0 : index) % COLORS.length];
  }

  function renderBands(s) {
    var max = Math.max.apply(null, [1].concat(s.bands.map(function (b) { return b.queuedRequests; })));
    replaceBody('bands', s.bands.map(function (b) {
      var row = document.createElement('tr');
      row.dataset.priority = String(b.priority);
      cell(row, 'priority', b.priority);
      cell(row, 'queued', b.queuedRequests);
      cell(row, 'queued-bytes', b.queuedBytes);
      cell(row, 'in-flight', b.inFlightRequests);
      cell(row, 'rate', b.rate, fmt(b.rate, 1));
      cell(row, 'flows', b.flows);
      bar(row, 'depth', b.queuedRequests / max, bandColor(b.priority, s.bands), String(b.queuedRequests));
      return row;
    }));
  }

  function outcomeCells(row, t) {
    cell(row, 'dispatched', t.dispatched);
    cell(row, 'rejected-capacity', t.rejectedCapacity);
    cell(row, 'rejected-shed', t.rejectedShed);
    cell(row, 'evicted-displaced', t.evictedDisplaced);
    cell(row, 'evicted-ttl', t.evictedTtl);
  }

  function renderTenants(s) {
    var rows = s.tenants.map(function (t) {
      var row = document.createElement('tr');
      row.dataset.flow = t.id + '/' + t.priority;
      cell(row, 'tenant', null, t.id);
      cell(row, 'priority', t.priority);
      cell(row, 'rate', t.rate, fmt(t.rate, 1));
      bar(row, 'share', t.share, bandColor(t.priority, s.bands), fmt(100 * t.share) + '%');
      cell(row, 'queued', t.queuedRequests);
      cell(row, 'in-flight', t.inFlightRequests);
      cell(row, 'wait-p50', t.waitP50Ms, fmt(t.waitP50Ms, 1));
      cell(row, 'wait-p99', t.waitP99Ms, fmt(t.waitP99Ms, 1));
      outcomeCells(row, t);
      return row;
    });
    var o = s.others;
    if (o.flows > 0) {
      var row = document.createElement('tr');
      row.className = 'others';
      row.dataset.flow = 'others';
      cell(row, 'tenant', o.flows, 'others (' + o.flows + ' flows)');
      cell(row, 'priority', null, '');
      cell(row, 'rate', o.rate, fmt(o.rate, 1));
      cell(row, 'share bar-col', null, '');
      cell(row, 'queued', o.queuedRequests);
      cell(row, 'in-flight', o.inFlightRequests);
      cell(row, 'wait-p50', null, '');
      cell(row, 'wait-p99', null, '');
      outcomeCells(row, o);
      rows.push(row);
    }
    replaceBody('tenants', rows);
    $('tenant-note').textContent =
      '(the ' + s.limit + ' busiest flows by dispatch rate; outcomes while the flow is live)';
  }

  function renderEndpoints(s) {
    replaceBody('endpoints', s.endpoints.map(function (e) {
      var row = document.createElement('tr');
      row.dataset.endpoint = e.name;
      cell(row, 'endpoint', null, e.name);
      var state = cell(row, 'metrics', e.fresh ? 1 : 0, '');
      var badge = document.createElement('span');
      badge.className = 'badge ' + (e.fresh ? 'fresh' : 'stale');
      badge.textContent = e.fresh ? 'fresh' : 'stale';
      state.appendChild(badge);
      cell(row, 'waiting', e.waitingRequests);
      var kv = e.kvCacheUtilization;
      bar(row, 'kv-cache', kv, '#8a4fc7', kv === undefined ? '-' : fmt(100 * kv) + '%');
      cell(row, 'in-flight', e.inFlightRequests);
      return row;
    }));
  }

  function renderHeader(s) {
    var gate = $('gate');
    gate.textContent = (s.gateOpen ? 'gate open' : 'gate closed') + ' (saturation ' + fmt(s.saturation, 2) + ')';
    gate.className = 'badge ' + (s.gateOpen ? 'open' : 'closed');
    gate.dataset.open = String(s.gateOpen);
    $('totals').textContent = 'queued ' + s.queuedRequests + ' (' + s.queuedBytes + ' B), in flight ' +
      s.inFlightRequests;
  }

  function renderHistory(s) {
    var point = {};
    s.bands.forEach(function (b) { point[b.priority] = b.rate; });
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
    g.fillStyle = '#667';
    g.font = '11px sans-serif';
    g.fillText(fmt(max, 1) + '/s', 4, 12);
    s.bands.forEach(function (b, i) {
      g.strokeStyle = bandColor(b.priority, s.bands);
      g.lineWidth = 2;
      g.beginPath();
      history.forEach(function (p, x) {
        var v = p[b.priority] || 0;
        var px = (x + HISTORY - history.length) * (w / (HISTORY - 1));
        var py = h - 4 - (v / max) * (h - 20);
        if (x === 0) { g.moveTo(px, py); } else { g.lineTo(px, py); }
      });
      g.stroke();
      g.fillStyle = g.strokeStyle;
      g.fillText('priority ' + b.priority, 70 + 90 * i, 12);
    });
  }

  function render(s) {
    renderHeader(s);
    renderBands(s);
    renderTenants(s);
    renderEndpoints(s);
    renderHistory(s);
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
