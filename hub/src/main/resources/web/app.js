// The hub's page: the hub's event stream drawn live, a 3D view of any scene, and the page's two actions (send the
// latest version again, download). Opened with `livelink open`; see docs/protocol.md, "The hub's page".
import { getJson, postJson, scenePath } from './api.js';
import { el, renderFigures, renderLog, renderPeers, renderScenes } from './render.js';
import { label, State } from './state.js';
import { Viewer } from './viewer.js';

const $ = (id) => document.getElementById(id);
const state = new State();
let viewer = null; // made on the first "View in 3D": no WebGL context until one is wanted
let openScene = null;
const deltas = new Map(); // "scene@from@to" → delta, for "which receivers hold it"

// Read by the browser test and the benchmark: the open scene, its timings, and where a node is drawn.
const page = {
  state,
  shown: { scene: null, version: 0, state: 'empty', openMs: null, lagMs: null, updates: 0 },
  project: (nodeId) => (viewer ? viewer.project(nodeId) : null),
  inspect: (nodeId) => (viewer ? viewer.inspect(nodeId) : null),
};
window.livelinkPage = page;

function draw(what) {
  const now = Date.now();
  if (what === 'all' || what === 'figures') renderFigures($('figures'), state.figures, now);
  if (what === 'all' || what === 'peers') renderPeers($('peers').tBodies[0], state.peers, state.figures.machine, now);
  if (what === 'all' || what === 'peers' || what === 'scenes') {
    renderScenes($('scenes'), state);
    markOpen();
  }
  if (what === 'all' || what === 'scenes') renderLog($('log'), state.log);
}

function markOpen() {
  for (const a of document.querySelectorAll('article.scene')) a.classList.toggle('open', a.dataset.scene === openScene);
}

function setConnection(text, cls) {
  const c = $('conn');
  c.textContent = text;
  c.className = `conn ${cls}`;
}

function notice(text) {
  const n = $('notice');
  n.textContent = text;
  n.hidden = !text;
}

function onEvent(name, data) {
  const what = state.apply(name, data);
  if (what) draw(what);
  if (name === 'version' && viewer && data.scene === openScene) viewer.update(data.version, data.publishedAt);
}

function connect() {
  const es = new EventSource('/v1/hub/events');
  for (const name of ['snapshot', 'peers', 'version', 'ack', 'resend', 'figures']) {
    es.addEventListener(name, (e) => onEvent(name, JSON.parse(e.data)));
  }
  es.addEventListener('bye', (e) => notice(`The hub ended this page's stream: ${JSON.parse(e.data).reason}`));
  es.addEventListener('open', () => {
    setConnection('live', 'live');
    notice('');
  });
  es.addEventListener('error', async () => {
    if (es.readyState !== EventSource.CLOSED) {
      setConnection('reconnecting…', 'down'); // the browser retries by itself
      return;
    }
    // Closed for good: the hub refused the stream. Ask why, with a plain request.
    try {
      await getJson('/v1/hub');
      setConnection('reconnecting…', 'down');
      setTimeout(connect, 2000);
    } catch (e) {
      setConnection('disconnected', 'down');
      notice(e.status === 401 ? "This page's session has ended (the hub restarted?). Run `livelink open` for a new one."
          : `The hub refused the page's event stream: ${e.message}`);
    }
  });
}

async function view(sceneId, name) {
  if (!viewer) {
    viewer = new Viewer($('viewer'), { status: viewerStatus, pick: showPick });
  }
  openScene = sceneId;
  markOpen();
  deltas.clear();
  showPick(null);
  $('viewer-title').textContent = name;
  Object.assign(page.shown, { scene: sceneId, version: 0, openMs: null, lagMs: null, updates: 0 });
  await viewer.open(sceneId, name);
}

function viewerStatus(text, st, figures = {}) {
  $('viewer-status').textContent = text;
  $('viewer').dataset.state = st;
  page.shown.state = st;
  page.shown.version = viewer.version;
  if (figures.openMs !== undefined) page.shown.openMs = figures.openMs;
  if (figures.lagMs !== undefined) {
    page.shown.lagMs = figures.lagMs;
    page.shown.updates++;
  }
  $('viewer').dataset.version = String(viewer.version);
}

/** Which receivers hold a node: those whose newest ok ack is for the shown version, or whose version has it unchanged. */
async function holders(info) {
  const out = [];
  for (const [peer, { version, ack }] of state.holders(openScene)) {
    const who = label({ id: peer, app: ack.app, appVersion: ack.appVersion, document: ack.document });
    if (version === info.version) {
      out.push(`${who} (v${version})`);
      continue;
    }
    if (version > info.version) {
      out.push(`${who} (v${version}, newer than shown)`);
      continue;
    }
    const key = `${openScene}@${version}@${info.version}`;
    let d = deltas.get(key);
    if (!d) {
      d = await getJson(scenePath(openScene, `delta?from=${version}`));
      deltas.set(key, d);
    }
    if (d.full) out.push(`${who} (v${version}, no longer kept on the hub)`);
    else if (d.added.some((n) => n.id === info.id)) out.push(`${who}: not yet (it holds v${version})`);
    else if (d.changed.some((c) => c.node.id === info.id)) out.push(`${who} (an older state, v${version})`);
    else out.push(`${who} (v${version}, unchanged since)`);
  }
  return out;
}

async function showPick(info) {
  const box = $('pick');
  if (!info) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  const held = el('dd', 'held', 'checking…');
  box.replaceChildren(el('dl', null, null,
      el('dt', null, 'node'), el('dd', 'node-id', info.id),
      el('dt', null, 'name'), el('dd', 'node-name', info.name),
      el('dt', null, 'triangles'), el('dd', 'node-tris', info.triangles.toLocaleString('en')),
      el('dt', null, 'held by'), held));
  box.dataset.node = info.id;
  try {
    const list = await holders(info);
    held.textContent = list.length ? list.join('; ') : 'no receiver has acked this scene';
  } catch (e) {
    held.textContent = `could not tell: ${e.message}`;
  }
}

async function onSceneClick(e) {
  const button = e.target.closest('button[data-action]');
  const article = e.target.closest('article.scene');
  if (!button || !article) return;
  const id = article.dataset.scene;
  if (button.dataset.action === 'view') {
    await view(id, article.dataset.name);
  } else if (button.dataset.action === 'resend') {
    const peer = article.querySelector('select.resend-to').value;
    let text;
    try {
      const r = await postJson(scenePath(id, 'resend'), { peer });
      text = `Sent v${r.version} again to ${label(state.peers.find((p) => p.id === peer) || { id: peer })}.`;
    } catch (err) {
      text = `Could not send again: ${err.message}`;
    }
    // The scenes were drawn anew meanwhile (the resend's own event): the note to fill is the current one.
    const note = [...document.querySelectorAll('article.scene')].find((a) => a.dataset.scene === id)
        ?.querySelector('.scene-note');
    if (note) note.textContent = text;
  }
}

$('scenes').addEventListener('click', onSceneClick);
// Uptime and "connected since" move on between events.
setInterval(() => {
  renderFigures($('figures'), state.figures, Date.now());
  renderPeers($('peers').tBodies[0], state.peers, state.figures.machine, Date.now());
}, 1000);
connect();
