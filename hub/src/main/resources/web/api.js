// The page's calls to the hub: the same /v1 API the connectors use, with the session cookie instead of the token.
// Requests that change anything carry X-Livelink-Page, which a cross-site form cannot send (docs/protocol.md).

/** A refusal or failure, with the hub's own message when it sent one. */
export class HubError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function check(resp) {
  if (resp.ok) {
    return resp;
  }
  let message = `HTTP ${resp.status}`;
  try {
    const body = await resp.json();
    if (body && typeof body.error === 'string') {
      message = body.error;
    }
  } catch (e) {
    // Not JSON: the status says enough.
  }
  throw new HubError(resp.status, message);
}

async function call(path, init) {
  let resp;
  try {
    resp = await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch (e) {
    throw new HubError(0, `the hub does not answer (${e.message})`);
  }
  return check(resp);
}

export async function getJson(path) {
  return (await call(path)).json();
}

export async function postJson(path, body) {
  const resp = await call(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Livelink-Page': '1' },
    body: JSON.stringify(body),
  });
  return resp.status === 204 ? null : resp.json();
}

/** /v1/scenes/{id}/… with the id encoded. */
export function scenePath(id, rest) {
  return `/v1/scenes/${encodeURIComponent(id)}/${rest}`;
}

const HASH_CHARS = 64; // ASCII hex SHA-256
const FRAME_HEADER = HASH_CHARS + 8; // then u64 little-endian length

/**
 * Many blobs in one request (POST /v1/blobs/fetch), answered in the batch framing: per blob 64 hex digits, a u64 LE
 * length, the bytes. Every blob's length is a multiple of 4 and so is the frame header, so each blob starts 4-aligned
 * in the one response buffer and its sections become typed-array views without a copy.
 *
 * @returns Map of hash → {buffer, offset, length}
 */
export async function fetchBlobs(hashes) {
  const out = new Map();
  if (hashes.length === 0) {
    return out;
  }
  const resp = await call('/v1/blobs/fetch', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Livelink-Page': '1' },
    body: JSON.stringify({ hashes }),
  });
  const buffer = await resp.arrayBuffer();
  const view = new DataView(buffer);
  const ascii = new TextDecoder('ascii');
  let at = 0;
  while (at < buffer.byteLength) {
    if (at + FRAME_HEADER > buffer.byteLength) {
      throw new HubError(0, `blob batch cut short at byte ${at} of ${buffer.byteLength}`);
    }
    const hash = ascii.decode(new Uint8Array(buffer, at, HASH_CHARS));
    const length = Number(view.getBigUint64(at + HASH_CHARS, true));
    const offset = at + FRAME_HEADER;
    if (offset + length > buffer.byteLength) {
      throw new HubError(0, `blob ${hash} runs past the end of the batch`);
    }
    out.set(hash, { buffer, offset, length });
    at = offset + length;
  }
  for (const h of hashes) {
    if (!out.has(h)) {
      throw new HubError(0, `the hub's batch lacks blob ${h}`);
    }
  }
  return out;
}
