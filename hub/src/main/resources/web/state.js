// What the page knows, kept from the hub's event stream (GET /v1/hub/events): its snapshot, then peers, version,
// ack, resend and figures events. No DOM here: render.js draws it.

const MAX_LOG = 200;

/** "Blender 4.3 (shop.blend)": app, the major.minor of its version, document (as the connectors name peers). */
export function label(p) {
  if (!p) return 'nobody';
  if (!p.app) return p.id || '?';
  const version = String(p.appVersion || '').split('.').slice(0, 2).join('.');
  return `${p.app}${version ? ' ' + version : ''}${p.document ? ` (${p.document})` : ''}`;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The line a connector shows for an ack: "Sent 410 objects to Blender 4.3 (shop.blend): applied in 48 ms". */
export function sendLine(ack) {
  const who = label({ app: ack.app, appVersion: ack.appVersion, document: ack.document, id: ack.peer });
  if (ack.status !== 'ok') {
    return `${who} could not apply ${ack.name || ack.scene} v${ack.version}: ${ack.reason || 'no reason given'}`;
  }
  const objects = ack.nodes >= 0 ? plural(ack.nodes, 'object') : `${ack.scene} v${ack.version}`;
  const ms = typeof ack.ms === 'number' ? ack.ms : ack.timings && ack.timings.total_ms;
  return `Sent ${objects} to ${who}` + (typeof ms === 'number' ? `: applied in ${Math.round(ms)} ms` : ': applied');
}

/** "fetch 3 ms, pickup 5 ms, build 12 ms" from an ack's timings. */
export function timingsText(t) {
  if (!t) return '';
  const parts = [];
  for (const [key, name] of [['fetch_ms', 'fetch'], ['pickup_ms', 'pickup'], ['build_ms', 'build']]) {
    if (typeof t[key] === 'number') parts.push(`${name} ${Math.round(t[key])} ms`);
  }
  return parts.join(', ');
}

function logLine(ack) {
  return { at: ack.ackedAt || Date.now(), text: sendLine(ack), ok: ack.status === 'ok' };
}

export class State {
  constructor() {
    this.figures = {};
    this.peers = [];
    this.scenes = new Map(); // scene id → {header, versions: Map(number → record)}
    this.log = []; // {at, text, ok}, newest first
  }

  /** Applies one event; returns what changed ('all', 'peers', 'scenes', 'figures') for the renderer. */
  apply(event, data) {
    switch (event) {
      case 'snapshot':
        this.figures = data.figures;
        this.peers = data.peers;
        this.scenes.clear();
        this.log = [];
        for (const s of data.scenes) {
          const { versions, ...header } = s;
          const entry = { header, versions: new Map() };
          for (const v of versions) {
            entry.versions.set(v.version, v);
            for (const ack of Object.values(v.acks || {})) {
              this.log.push(logLine({ ...ack, nodes: v.nodes, name: v.name || header.name }));
            }
          }
          this.scenes.set(s.id, entry);
        }
        this.log.sort((a, b) => b.at - a.at);
        this.log.length = Math.min(this.log.length, MAX_LOG);
        return 'all';
      case 'peers':
        this.peers = data.peers;
        return 'peers';
      case 'figures':
        this.figures = data;
        return 'figures';
      case 'version': {
        const entry = this.scene(data.scene, data.name);
        entry.header.version = Math.max(entry.header.version || 0, data.version);
        entry.header.nodes = data.nodes;
        entry.header.name = data.name;
        const old = entry.versions.get(data.version);
        entry.versions.set(data.version, { ...data, acks: { ...(old ? old.acks : {}), ...data.acks } });
        this.trim(entry);
        return 'scenes';
      }
      case 'ack': {
        const record = this.record(data.scene, data.version);
        record.acks[data.peer] = data;
        this.log.unshift(logLine(data));
        this.log.length = Math.min(this.log.length, MAX_LOG);
        return 'scenes';
      }
      case 'resend': {
        const record = this.record(data.scene, data.version);
        record.resends = (record.resends || []).concat([data]);
        this.log.unshift({ at: data.at, text: `Sent v${data.version} of ${data.scene} again to ${label(data.who)}`,
          ok: true });
        return 'scenes';
      }
      default:
        return null;
    }
  }

  scene(id, name) {
    let entry = this.scenes.get(id);
    if (!entry) {
      entry = { header: { id, name, version: 0 }, versions: new Map() };
      this.scenes.set(id, entry);
    }
    return entry;
  }

  record(scene, version) {
    const entry = this.scene(scene, scene);
    let r = entry.versions.get(version);
    if (!r) {
      r = { scene, version, acks: {}, targets: [], resends: [] };
      entry.versions.set(version, r);
    }
    return r;
  }

  trim(entry) {
    const numbers = [...entry.versions.keys()].sort((a, b) => b - a);
    for (const n of numbers.slice(20)) entry.versions.delete(n);
  }

  /** Peers that can receive, for the re-send menu. */
  receivers() {
    return this.peers.filter((p) => p.role === 'receiver' || p.role === 'both');
  }

  /** Per receiver, the newest version of `sceneId` it acked ok: Map(peer id → {version, ack}). */
  holders(sceneId) {
    const out = new Map();
    const entry = this.scenes.get(sceneId);
    if (!entry) return out;
    for (const [number, record] of entry.versions) {
      for (const [peer, ack] of Object.entries(record.acks || {})) {
        if (ack.status === 'ok' && (!out.has(peer) || out.get(peer).version < number)) {
          out.set(peer, { version: number, ack });
        }
      }
    }
    return out;
  }
}
