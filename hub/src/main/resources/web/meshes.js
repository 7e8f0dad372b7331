// Mesh blobs (docs/protocol.md, "Mesh blob") into three.js geometry, and node materials into three.js materials.
// The blob's sections are handed to three.js as typed-array views of the fetched buffer: no per-vertex work.
// Typed arrays read in the platform's byte order, little-endian on every browser platform, as the blob is.
import * as THREE from '/static/three/three.module.min.js';

const HEADER = 32;
const FLAG_NORMALS = 1;
const FLAG_MATERIAL_INDEX = 2;

/** A blob that is not what the protocol says, naming the blob. */
export class BlobError extends Error {}

/**
 * @param hash the blob's SHA-256 (for messages)
 * @param blob {buffer, offset, length} as fetchBlobs gives it
 * @returns {geometry, triangles, slots}: slots = material slots the triangles use (max index + 1)
 */
export function geometryOf(hash, blob) {
  const { buffer, offset, length } = blob;
  if (length < HEADER) {
    throw new BlobError(`blob ${hash} has ${length} bytes, less than its 32-byte header`);
  }
  const bytes = new Uint8Array(buffer, offset, 4);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  const dv = new DataView(buffer, offset, length);
  if (magic !== 'LLMB' || dv.getUint16(4, true) !== 1) {
    throw new BlobError(`blob ${hash} is not a version-1 livelink mesh blob (magic "${magic}")`);
  }
  const flags = dv.getUint16(6, true);
  const v = dv.getUint32(8, true);
  const t = dv.getUint32(12, true);
  const expected = HEADER + 12 * v + 12 * t + (flags & FLAG_NORMALS ? 12 * v : 0)
      + (flags & FLAG_MATERIAL_INDEX ? 4 * t : 0);
  if (expected !== length) {
    throw new BlobError(`blob ${hash} holds ${length} bytes, its header declares ${expected}`);
  }
  let at = offset + HEADER;
  const positions = new Float32Array(buffer, at, 3 * v);
  at += 12 * v;
  let indices = new Uint32Array(buffer, at, 3 * t);
  at += 12 * t;
  let normals = null;
  if (flags & FLAG_NORMALS) {
    normals = new Float32Array(buffer, at, 3 * v);
    at += 12 * v;
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  let slots = 1;
  if (flags & FLAG_MATERIAL_INDEX) {
    const grouped = groupByMaterial(indices, new Uint32Array(buffer, at, t));
    indices = grouped.indices;
    slots = grouped.groups.length ? grouped.groups[grouped.groups.length - 1].slot + 1 : 1;
    for (const g of grouped.groups) {
      geometry.addGroup(g.start, g.count, g.slot);
    }
  } else {
    geometry.addGroup(0, 3 * t, 0);
  }
  geometry.setIndex(new THREE.BufferAttribute(indices, 1));
  if (normals) {
    geometry.setAttribute('normal', new THREE.BufferAttribute(normals, 3));
  } else {
    // CAD senders split vertices at face boundaries: averaged normals stay crisp at edges (see the protocol).
    geometry.computeVertexNormals();
  }
  geometry.computeBoundingSphere();
  return { geometry, triangles: t, slots };
}

/**
 * three.js draws one material per contiguous index range: triangles are reordered by material slot (a counting
 * sort, one pass each way) and each slot becomes a group.
 */
function groupByMaterial(indices, slotOf) {
  const t = slotOf.length;
  let max = 0;
  for (let i = 0; i < t; i++) {
    if (slotOf[i] > max) max = slotOf[i];
  }
  const counts = new Uint32Array(max + 2);
  for (let i = 0; i < t; i++) counts[slotOf[i] + 1]++;
  for (let s = 1; s < counts.length; s++) counts[s] += counts[s - 1];
  const groups = [];
  for (let s = 0; s <= max; s++) {
    const count = counts[s + 1] - counts[s];
    if (count > 0) groups.push({ start: 3 * counts[s], count: 3 * count, slot: s });
  }
  const out = new Uint32Array(indices.length);
  const next = counts.slice(0, max + 1);
  for (let i = 0; i < t; i++) {
    const at = 3 * next[slotOf[i]]++;
    out[at] = indices[3 * i];
    out[at + 1] = indices[3 * i + 1];
    out[at + 2] = indices[3 * i + 2];
  }
  return { indices: out, groups };
}

const DEFAULT = { name: '', color: [0.8, 0.8, 0.8, 1], metallic: 0, roughness: 0.5 };

/** Materials shared by every node that uses the same colour, metallic and roughness. */
export class Materials {
  constructor() {
    this.cache = new Map();
  }

  /** The three.js materials for `slots` slots of a node's `materials` (protocol colours are linear, as three's). */
  forNode(materials, slots) {
    const out = [];
    for (let i = 0; i < Math.max(slots, 1); i++) {
      out.push(this.one(materials && materials[i] ? materials[i] : DEFAULT));
    }
    return out;
  }

  one(m) {
    const c = Array.isArray(m.color) ? m.color : DEFAULT.color;
    const a = c.length > 3 ? c[3] : 1;
    const metallic = typeof m.metallic === 'number' ? m.metallic : 0;
    const roughness = typeof m.roughness === 'number' ? m.roughness : 0.5;
    const key = `${c[0]},${c[1]},${c[2]},${a},${metallic},${roughness}`;
    let mat = this.cache.get(key);
    if (!mat) {
      mat = new THREE.MeshStandardMaterial({
        color: new THREE.Color().setRGB(c[0], c[1], c[2], THREE.LinearSRGBColorSpace),
        metalness: metallic,
        roughness,
        transparent: a < 1,
        opacity: a,
        side: THREE.DoubleSide,
      });
      this.cache.set(key, mat);
    }
    return mat;
  }
}
