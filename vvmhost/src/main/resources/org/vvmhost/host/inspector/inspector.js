// The world inspector: reads this replica's API and draws it. No framework, no build step, nothing from elsewhere.
'use strict';

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7',
  '#9c755f', '#86bcb6', '#d4a6c8', '#8cd17d'];
const CHART_SECONDS = 300;
const SVG = 'http://www.w3.org/2000/svg';

const state = {
  role: null,
  shape: null,        // /world's "world": width, height, rows, cols, sets
  set: null,          // the set whose simulators colour the map
  summary: null,      // the latest summary from the stream
  points: [],         // tick rate and tick time, oldest first
  stream: null,
  area: null,         // the selected area
  entity: null,       // the selected entity
  lastView: null,     // /world's lastView, and when it was read
};

const $ = (id) => document.getElementById(id);

async function json(path) {
  const response = await fetch(path, { cache: 'no-store', redirect: 'manual' });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.message || (path + ': HTTP ' + response.status));
  }
  return response.json();
}

function el(tag, attributes, text) {
  const node = tag === 'svg' || ['rect', 'circle', 'text', 'title', 'g'].includes(tag)
    ? document.createElementNS(SVG, tag) : document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function number(value, digits) {
  return Number(value).toLocaleString('en-US', { maximumFractionDigits: digits || 0 });
}

function ago(seconds) {
  if (seconds < 1) return 'just now';
  if (seconds < 90) return Math.round(seconds) + ' s ago';
  if (seconds < 5400) return Math.round(seconds / 60) + ' min ago';
  return Math.round(seconds / 3600) + ' h ago';
}

// Who this replica is, and who leads.

async function refreshStatus() {
  let status;
  try {
    status = await json('/status');
  } catch (e) {
    setRole('unreachable', 'other');
    return;
  }
  const replica = status.replica;
  const leader = status.election && status.election.leader;
  $('replica-id').textContent = replica.id;
  $('leader-id').textContent = leader ? leader.id : (replica.role === 'leader' ? replica.id : 'none');
  const token = replica.term ? replica.term.fencingToken : (leader && leader.fencingToken);
  $('fencing-token').textContent = token === undefined || token === null ? '–' : token;
  setRole(replica.role, replica.role === 'leader' || replica.role === 'standby' ? replica.role : 'other');
  const serving = replica.role === 'leader' && replica.phase === 'serving';
  if (serving) {
    $('banner').hidden = true;
    $('world').hidden = false;
    if (!state.shape) await loadWorld();
  } else {
    showBanner(replica, leader);
  }
  refreshTerms();
}

function setRole(text, kind) {
  const badge = $('role');
  badge.textContent = text;
  badge.className = 'badge ' + kind;
  state.role = text;
}

function showBanner(replica, leader) {
  stopStream();
  state.shape = null;
  $('world').hidden = true;
  const banner = $('banner');
  banner.hidden = false;
  banner.textContent = '';
  if (replica.role === 'standby') {
    banner.append('This replica is a standby: it waits to take over and runs no world. ');
    if (leader && leader.advertiseUrl) {
      banner.append('The world runs on the leader, ' + leader.id + ': ');
      const link = el('a', { href: leader.advertiseUrl.replace(/\/+$/, '') + '/', id: 'leader-link' },
        'open the leader\u2019s inspector');
      banner.append(link, '.');
    } else {
      banner.append('No leader is known right now.');
    }
  } else {
    banner.append('This replica is ' + replica.role + ' (' + replica.phase + '); no world runs here right now.');
  }
}

async function refreshTerms() {
  let terms;
  try {
    terms = await json('/history');
  } catch (e) {
    return;
  }
  const body = $('terms').querySelector('tbody');
  body.textContent = '';
  terms.slice(0, 8).forEach((term) => {
    const row = el('tr');
    row.append(el('td', { class: 'mono' }, term.fencingToken), el('td', { class: 'mono' }, term.leaderId),
      el('td', {}, new Date(term.from).toLocaleTimeString()),
      el('td', {}, term.to ? new Date(term.to).toLocaleTimeString() + ' (' + term.end + ')' : 'leading'));
    body.append(row);
  });
}

// The world.

async function loadWorld() {
  const world = await json('/world');
  state.shape = world.world;
  state.set = state.set && world.world.sets.includes(state.set) ? state.set : world.world.sets[0];
  state.lastView = { view: world.lastView, at: performance.now() };
  buildTabs();
  buildMap();
  try {
    state.points = (await json('/world/timeline')).points;
  } catch (e) {
    state.points = [];
  }
  openStream();
}

function buildTabs() {
  const tabs = $('set-tabs');
  tabs.textContent = '';
  state.shape.sets.forEach((set) => {
    const button = el('button', { type: 'button', role: 'tab' }, set);
    if (set === state.set) button.classList.add('active');
    button.addEventListener('click', () => {
      state.set = set;
      buildTabs();
      if (state.summary) paint(state.summary);
    });
    tabs.append(button);
  });
}

function buildMap() {
  const { width, height, rows, cols } = state.shape;
  const map = $('map');
  map.textContent = '';
  map.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  const cellWidth = width / cols;
  const cellHeight = height / rows;
  const cells = el('g', { id: 'cells' });
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const cell = el('rect', {
        class: 'cell', x: col * cellWidth, y: row * cellHeight, width: cellWidth, height: cellHeight,
        'data-row': row, 'data-col': col, fill: '#dfe4ea',
      });
      cell.append(el('title', {}, 'area ' + (row * cols + col)));
      cell.addEventListener('click', () => selectArea(row, col));
      cells.append(cell);
    }
  }
  map.append(cells, el('g', { id: 'marks' }), el('g', { id: 'dots' }));
}

function colourOf(simulator, names) {
  const index = names.indexOf(simulator);
  return index < 0 ? '#c9d1da' : PALETTE[index % PALETTE.length];
}

function paint(summary) {
  if (!state.shape) return;
  const { width, height, cols, rows } = state.shape;
  const cellWidth = width / cols;
  const cellHeight = height / rows;
  const names = [];
  summary.areas.forEach((area) => area.sets.filter((o) => o.set === state.set).forEach((o) => {
    [o.active].concat(o.passives).forEach((name) => { if (!names.includes(name)) names.push(name); });
  }));
  names.sort();
  const most = Math.max(1, ...summary.areas.map((a) => a.entities));
  const cells = $('cells').children;
  const marks = $('marks');
  marks.textContent = '';
  summary.areas.forEach((area) => {
    const owner = area.sets.find((o) => o.set === state.set);
    const cell = cells[area.area];
    if (!cell || !owner) return;
    cell.setAttribute('fill', colourOf(owner.active, names));
    cell.setAttribute('fill-opacity', (0.35 + 0.55 * area.entities / most).toFixed(2));
    cell.querySelector('title').textContent = 'area ' + area.area + ' (row ' + area.row + ', column ' + area.col
      + ')\n' + number(area.entities) + ' entities\n' + state.set + ': ' + owner.active + ', epoch ' + owner.epoch
      + (owner.passives.length ? '\npassives: ' + owner.passives.join(', ') : '\nno passive');
    const x = area.col * cellWidth;
    const y = area.row * cellHeight;
    const unit = Math.min(cellWidth, cellHeight);
    marks.append(el('text', { class: 'count', x: x + unit * 0.06, y: y + unit * 0.14,
      'font-size': unit * 0.1 }, number(area.entities)));
    owner.passives.forEach((passive, i) => {
      marks.append(el('circle', { class: 'passive', cx: x + cellWidth - unit * (0.08 + i * 0.09), cy: y + unit * 0.09,
        r: unit * 0.035, fill: colourOf(passive, names) }));
    });
  });
  paintDots(summary.sample, Math.min(cellWidth, cellHeight));
  const legend = $('legend');
  legend.textContent = '';
  names.forEach((name) => {
    const item = el('span');
    item.append(el('i', { style: 'background:' + colourOf(name, names) }), name);
    legend.append(item);
  });
}

function paintDots(sample, unit) {
  const dots = $('dots');
  const known = new Map(Array.from(dots.children).map((dot) => [dot.getAttribute('data-id'), dot]));
  const radius = Math.max(unit * 0.012, state.shape.width / 400);
  sample.forEach((entity) => {
    const id = String(entity.id);
    let dot = known.get(id);
    if (!dot) {
      dot = el('circle', { class: 'dot', 'data-id': id, r: radius });
      dots.append(dot);
    }
    known.delete(id);
    dot.setAttribute('cx', entity.x);
    dot.setAttribute('cy', entity.y);
  });
  known.forEach((dot) => dot.remove());
}

function showStats(summary) {
  $('tick').textContent = number(summary.tick);
  $('tick-rate').textContent = number(summary.tickRate, 1) + ' /s';
  $('tick-time').textContent = number(summary.tickMillis, 2) + ' ms';
  $('tick-time').title = 'longest in the last interval: ' + number(summary.maxTickMillis, 2) + ' ms';
  $('population').textContent = number(summary.population);
  $('commands').textContent = number(summary.commands.applied);
  $('commands').title = number(summary.commands.ignored) + ' ignored (their entity was gone by their tick)';
  $('hash').textContent = summary.hash;
  $('updated').textContent = 'Updated ' + new Date(summary.epochMillis).toLocaleTimeString() + '.';
  showLastView();
}

function showLastView() {
  const last = state.lastView && state.lastView.view;
  if (!last) {
    $('last-view').textContent = 'none yet';
    return;
  }
  const age = last.ageSeconds + (performance.now() - state.lastView.at) / 1000;
  $('last-view').textContent = 'tick ' + number(last.tick) + ', ' + ago(age);
  $('last-view').title = 'hash ' + last.hash + (last.restored ? ' (restored)' : '');
}

// The live stream.

function openStream() {
  if (state.stream) return;
  const stream = new EventSource('/world/stream');
  state.stream = stream;
  stream.addEventListener('summary', (event) => {
    const summary = JSON.parse(event.data);
    state.summary = summary;
    $('live').className = 'live on';
    $('live').textContent = 'live';
    if (!state.points.length || state.points[state.points.length - 1].tick !== summary.tick) {
      state.points.push({ epochMillis: summary.epochMillis, tick: summary.tick, tickRate: summary.tickRate,
        tickMillis: summary.tickMillis, maxTickMillis: summary.maxTickMillis });
    }
    showStats(summary);
    paint(summary);
    drawChart();
  });
  stream.onerror = () => {
    $('live').className = 'live';
    $('live').textContent = 'reconnecting';
  };
}

function stopStream() {
  if (state.stream) state.stream.close();
  state.stream = null;
  $('live').className = 'live';
  $('live').textContent = 'offline';
}

// The chart: ticks per second and milliseconds per tick over the last minutes, on two scales.

function drawChart() {
  const canvas = $('chart');
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const now = state.points.length ? state.points[state.points.length - 1].epochMillis : Date.now();
  const points = state.points.filter((p) => p.epochMillis >= now - CHART_SECONDS * 1000 && p.tickRate > 0);
  const left = 40;
  const right = width - 44;
  const top = 10;
  const bottom = height - 22;
  const maxRate = niceCeiling(Math.max(1, ...points.map((p) => p.tickRate)));
  const maxTime = niceCeiling(Math.max(1, ...points.map((p) => p.tickMillis)));
  g.font = '11px system-ui, sans-serif';
  g.strokeStyle = '#e6e9ed';
  g.fillStyle = '#66727f';
  g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = bottom - (bottom - top) * i / 4;
    g.beginPath();
    g.moveTo(left, y);
    g.lineTo(right, y);
    g.stroke();
    g.textAlign = 'right';
    g.fillText(number(maxRate * i / 4, 1), left - 6, y + 4);
    g.textAlign = 'left';
    g.fillText(number(maxTime * i / 4, 1), right + 6, y + 4);
  }
  g.textAlign = 'center';
  [0, 1, 2, 3, 4, 5].forEach((minute) => {
    const x = right - (right - left) * minute * 60 / CHART_SECONDS;
    g.fillText(minute === 0 ? 'now' : '-' + minute + ' min', x, height - 6);
  });
  const xOf = (p) => right - (right - left) * (now - p.epochMillis) / (CHART_SECONDS * 1000);
  line(g, points, xOf, (p) => bottom - (bottom - top) * p.tickRate / maxRate, getComputedStyle(document.body)
    .getPropertyValue('--rate') || '#2f5d8a');
  line(g, points, xOf, (p) => bottom - (bottom - top) * p.tickMillis / maxTime, getComputedStyle(document.body)
    .getPropertyValue('--time') || '#c47a2c');
}

function line(g, points, xOf, yOf, colour) {
  if (points.length < 2) return;
  g.strokeStyle = colour.trim();
  g.lineWidth = 1.6;
  g.beginPath();
  points.forEach((p, i) => (i === 0 ? g.moveTo(xOf(p), yOf(p)) : g.lineTo(xOf(p), yOf(p))));
  g.stroke();
}

function niceCeiling(value) {
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * power) return step * power;
  }
  return 10 * power;
}

// An area's entities, and one entity's components.

async function selectArea(row, col) {
  state.area = { row, col };
  Array.from($('cells').children).forEach((cell) => cell.classList.toggle('selected',
    Number(cell.getAttribute('data-row')) === row && Number(cell.getAttribute('data-col')) === col));
  $('area-title').textContent = 'Entities of area ' + (row * state.shape.cols + col) + ' (row ' + row + ', column '
    + col + ')';
  let listed;
  try {
    listed = await json('/world/areas/' + row + '/' + col + '/entities?limit=50');
  } catch (e) {
    $('area-note').textContent = e.message;
    return;
  }
  $('area-note').textContent = 'the ' + listed.entities.length + ' lowest ids of ' + number(listed.count)
    + ', read at tick ' + number(listed.tick);
  const table = $('area-entities');
  const columns = [];
  listed.entities.forEach((entity) => Object.entries(entity.components).forEach(([set, values]) =>
    Object.keys(values).forEach((column) => {
      const name = set + '.' + column;
      if (!columns.includes(name)) columns.push(name);
    })));
  const head = el('tr');
  head.append(el('th', {}, 'id'));
  columns.forEach((name) => head.append(el('th', {}, name.split('.')[1])));
  table.querySelector('thead').replaceChildren(head);
  const body = table.querySelector('tbody');
  body.textContent = '';
  listed.entities.forEach((entity) => {
    const row = el('tr', { class: 'entity-row', 'data-id': entity.id });
    row.append(el('td', { class: 'mono' }, entity.id));
    columns.forEach((name) => {
      const [set, column] = name.split('.');
      const value = entity.components[set] && entity.components[set][column];
      row.append(el('td', {}, value === undefined ? '' : number(value, 2)));
    });
    row.addEventListener('click', () => selectEntity(entity.id, row));
    body.append(row);
  });
}

async function selectEntity(id, row) {
  Array.from($('area-entities').querySelectorAll('tr')).forEach((r) => r.classList.toggle('selected', r === row));
  const detail = $('entity-detail');
  let read;
  try {
    read = await json('/world/entities/' + id);
  } catch (e) {
    detail.replaceChildren(el('div', { class: 'hint' }, e.message));
    return;
  }
  const entity = read.entity;
  const parts = [el('h3', {}, 'Entity ' + entity.id), el('div', { class: 'hint' }, 'area ' + entity.area + ' (row '
    + entity.row + ', column ' + entity.col + '), read at tick ' + number(read.tick))];
  Object.entries(entity.components).forEach(([set, values]) => {
    parts.push(el('h3', {}, set + ' \u00b7 ' + entity.owners[set]));
    const list = el('dl');
    Object.entries(values).forEach(([column, value]) => list.append(el('dt', {}, column),
      el('dd', { class: 'mono' }, number(value, 3))));
    parts.push(list);
  });
  detail.replaceChildren(...parts);
}

// Refreshes that the stream does not bring.

async function refreshWorld() {
  if (!state.shape) return;
  try {
    const world = await json('/world');
    state.lastView = { view: world.lastView, at: performance.now() };
    showLastView();
  } catch (e) {
    // The next status refresh tells what happened.
  }
}

window.addEventListener('resize', drawChart);
refreshStatus();
setInterval(refreshStatus, 3000);
setInterval(refreshWorld, 5000);
setInterval(showLastView, 1000);
