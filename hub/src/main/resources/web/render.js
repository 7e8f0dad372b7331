// Draws the State into the page. Everything the hub sends is set as text (textContent), never parsed as HTML, so
// nothing a peer names its app, document or scene can run in the page.
import { scenePath } from './api.js';
import { label, timingsText } from './state.js';

const VERSIONS_SHOWN = 5;

/** An element with a class and text; children appended. */
export function el(tag, cls, text, ...children) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  for (const c of children) if (c) e.append(c);
  return e;
}

export function clock(ms) {
  return new Date(ms).toLocaleTimeString('en-GB');
}

export function duration(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  const h = Math.floor(s / 3600);
  return h < 48 ? `${h} h ${Math.floor((s % 3600) / 60)} min` : `${Math.floor(h / 24)} days`;
}

function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function renderFigures(root, f, now) {
  if (!f || !f.startedAt) return;
  const items = [
    ['hub', `${f.version} · pid ${f.pid} · port ${f.port}`],
    ['up', duration(Math.max(0, now - f.startedAt))],
    ['store', `${bytes(f.storeBytes)} · ${f.blobs} blob${f.blobs === 1 ? '' : 's'}`],
    ['scenes', String(f.scenes)],
    ['peers', String(f.peers)],
  ];
  root.replaceChildren(...items.flatMap(([k, v]) => [el('dt', null, k), el('dd', `fig-${k}`, v)]));
}

export function renderPeers(tbody, peers, machine, now) {
  if (peers.length === 0) {
    tbody.replaceChildren(el('tr', 'empty', null, el('td', null, 'No application is connected.')));
    tbody.firstChild.firstChild.colSpan = 5;
    return;
  }
  tbody.replaceChildren(...peers.map((p) => {
    const app = label({ app: p.app, appVersion: p.appVersion });
    const row = el('tr', p.connected ? 'peer' : 'peer offline', null,
        el('td', 'app', app),
        el('td', 'doc', p.document || '—'),
        el('td', 'machine', `${machine || 'this machine'} · pid ${p.pid}`),
        el('td', 'since', `${clock(p.registeredAt)} (${duration(Math.max(0, now - p.registeredAt))} ago)`),
        el('td', 'role', p.role + (p.connected ? '' : ' · not connected')));
    row.dataset.peer = p.id;
    return row;
  }));
}

function ackItem(peerId, who, ack) {
  if (!ack) return el('li', 'ack waiting', `${who}: waiting for its ack`);
  if (ack.status !== 'ok') return el('li', 'ack failed', `${who}: failed — ${ack.reason || 'no reason given'}`);
  const ms = typeof ack.ms === 'number' ? `applied in ${Math.round(ack.ms)} ms` : 'applied';
  const t = timingsText(ack.timings);
  const item = el('li', 'ack ok', `${who}: ${ms}${t ? ` (${t})` : ''}`);
  item.dataset.peer = peerId;
  return item;
}

function versionItem(r) {
  const parts = [`v${r.version}`];
  if (r.publishedAt) parts.push(clock(r.publishedAt));
  parts.push(r.sender ? `from ${label(r.sender)}` : 'from an unregistered sender');
  const to = (r.targets || []).map(label);
  parts.push(to.length ? `to ${to.join(', ')}` : r.to === 'every receiver' ? 'to every receiver (none connected)'
      : 'to nobody');
  if (r.delta) {
    const d = r.delta;
    parts.push(d.full ? `${r.nodes} nodes, full` : `+${d.added} ~${d.changed} −${d.removed}`);
  }
  const acks = el('ul', 'acks');
  const named = new Set();
  for (const t of r.targets || []) {
    named.add(t.id);
    acks.append(ackItem(t.id, label(t), r.acks && r.acks[t.id]));
  }
  for (const [peer, ack] of Object.entries(r.acks || {})) {
    if (!named.has(peer)) {
      acks.append(ackItem(peer, label({ id: peer, app: ack.app, appVersion: ack.appVersion, document: ack.document }),
          ack));
    }
  }
  for (const s of r.resends || []) {
    acks.append(el('li', 'resend', `sent again to ${label(s.who)} at ${clock(s.at)}`));
  }
  const li = el('li', 'version', null, el('div', 'version-line', parts.join(' · ')), acks);
  li.dataset.version = r.version;
  return li;
}

function sceneActions(id, receivers, chosen) {
  const view = el('button', 'view', 'View in 3D');
  view.dataset.action = 'view';
  const glb = el('a', 'download', 'glTF (.glb)');
  glb.href = scenePath(id, 'download?format=glb');
  glb.download = '';
  const manifest = el('a', 'download', 'manifest (.json)');
  manifest.href = scenePath(id, 'download?format=manifest');
  manifest.download = '';
  const pick = el('select', 'resend-to');
  pick.setAttribute('aria-label', 'receiver to send to again');
  for (const p of receivers) {
    const o = el('option', null, label(p));
    o.value = p.id;
    pick.append(o);
  }
  if (chosen && receivers.some((p) => p.id === chosen)) pick.value = chosen;
  const resend = el('button', 'resend', 'Re-send latest');
  resend.dataset.action = 'resend';
  resend.disabled = receivers.length === 0;
  pick.disabled = receivers.length === 0;
  return el('div', 'actions', null, view, glb, manifest, el('span', 'resend-group', null, pick, resend));
}

export function renderScenes(root, state) {
  const chosen = new Map([...root.querySelectorAll('article.scene')].map((a) => [a.dataset.scene,
    a.querySelector('select.resend-to')?.value]));
  const notes = new Map([...root.querySelectorAll('article.scene')].map((a) => [a.dataset.scene,
    a.querySelector('.scene-note')?.textContent || '']));
  const scenes = [...state.scenes.values()].sort((a, b) => (a.header.name || a.header.id)
      .localeCompare(b.header.name || b.header.id));
  if (scenes.length === 0) {
    root.replaceChildren(el('p', 'empty', 'No scene yet: send one from FreeCAD, Blender or `livelink send`.'));
    return;
  }
  const receivers = state.receivers();
  root.replaceChildren(...scenes.map(({ header, versions }) => {
    const title = el('h3', null, header.name || header.id,
        el('span', 'meta', ` · ${header.id} · v${header.version}` + (header.nodes >= 0 ? ` · ${header.nodes} nodes` : '')
            + (header.source ? ` · ${header.source}` : '')));
    const list = el('ol', 'versions');
    const numbers = [...versions.keys()].sort((a, b) => b - a).slice(0, VERSIONS_SHOWN);
    for (const n of numbers) list.append(versionItem(versions.get(n)));
    const a = el('article', 'scene', null, title, sceneActions(header.id, receivers, chosen.get(header.id)),
        el('p', 'scene-note', notes.get(header.id) || ''), list);
    a.dataset.scene = header.id;
    a.dataset.name = header.name || header.id;
    return a;
  }));
}

export function renderLog(root, log) {
  root.replaceChildren(...log.map((l) => el('li', l.ok ? 'ok' : 'failed', null, el('time', null, clock(l.at)),
      el('span', 'line', l.text))));
}
