// The 3D view: one scene at a time, read through the connectors' API (delta, then the blobs in one batch), in
// metres with Z up, updated in place when a version arrives: only the nodes the delta names change, as in Blender.
import * as THREE from '/static/three/three.module.min.js';
import { OrbitControls } from '/static/three/OrbitControls.js';
import { fetchBlobs, getJson, scenePath } from './api.js';
import { geometryOf, Materials } from './meshes.js';

const UNIT_METRES = { mm: 0.001, cm: 0.01, m: 1, in: 0.0254, ft: 0.3048 };
const CLICK_SLOP_PX = 5;

/** Milliseconds since 1970 with the page's sub-millisecond clock, to compare with the hub's publish time. */
export function epochNow() {
  return performance.timeOrigin + performance.now();
}

export class Viewer {
  /**
   * @param container the element the canvas fills
   * @param on {status(text, state), pick(info|null)}: state is loading, ready or error
   */
  constructor(container, on) {
    this.container = container;
    this.on = on;
    this.renderer = new THREE.WebGLRenderer({ antialias: true });
    this.renderer.setPixelRatio(window.devicePixelRatio);
    container.appendChild(this.renderer.domElement);
    this.scene = new THREE.Scene();
    this.scene.background = new THREE.Color(0xf2f3f5);
    this.camera = new THREE.PerspectiveCamera(45, 1, 0.01, 1000);
    this.camera.up.set(0, 0, 1); // Z up, as the scene is shown
    this.scene.add(this.camera);
    const sky = new THREE.HemisphereLight(0xffffff, 0x606060, 1.6);
    sky.position.set(0, 0, 1);
    this.scene.add(sky);
    const head = new THREE.DirectionalLight(0xffffff, 1.6); // a headlight: the side in view is always lit
    head.position.set(0.3, 0.5, 0);
    this.camera.add(head, head.target);
    head.target.position.set(0, 0, -1);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.addEventListener('change', () => this.requestRender());
    this.materials = new Materials();
    this.highlight = null;
    this.gen = 0;
    this.reset();
    new ResizeObserver(() => this.resize()).observe(container);
    this.resize();
    this.listenForPicks();
  }

  reset() {
    if (this.root) this.scene.remove(this.root);
    this.root = new THREE.Group();
    this.scene.add(this.root);
    this.nodes = new Map(); // node id → {data, group, mesh}
    this.geometries = new Map(); // blob hash → {geometry, triangles, slots}
    this.sceneId = null;
    this.version = 0;
    this.wanted = 0;
    this.busy = false;
    this.setHighlight(null);
  }

  /** Opens a scene: its full delta and all its blobs in one batch; resolves with how long it took (ms). */
  async open(sceneId, name) {
    const gen = ++this.gen;
    const started = performance.now();
    this.reset();
    this.sceneId = sceneId;
    this.busy = true;
    this.on.status(`Loading ${name}…`, 'loading');
    try {
      const delta = await getJson(scenePath(sceneId, 'delta?from=0'));
      if (gen !== this.gen) return null;
      await this.apply(delta, gen);
      if (gen !== this.gen) return null;
      this.frame();
      this.renderNow();
      const ms = performance.now() - started;
      this.on.status(`v${this.version}: ${this.nodes.size} nodes, `
          + `${this.triangles().toLocaleString('en')} triangles, opened in ${Math.round(ms)} ms`, 'ready',
          { openMs: ms });
      this.busy = false;
      this.catchUp(gen);
      return ms;
    } catch (e) {
      if (gen === this.gen) {
        this.busy = false;
        this.on.status(`Could not load ${name}: ${e.message}`, 'error');
      }
      return null;
    }
  }

  close() {
    this.gen++;
    this.reset();
    this.renderNow();
  }

  /** A version of the open scene was published at `publishedAt` (hub time): fetch what changed and show it. */
  update(version, publishedAt) {
    if (this.sceneId === null || version <= this.version) return;
    this.wanted = Math.max(this.wanted, version);
    this.publishedAt = publishedAt;
    if (!this.busy) this.catchUp(this.gen);
  }

  /** One delta at a time; versions announced meanwhile are folded into the next (as Blender's receiver does). */
  async catchUp(gen) {
    while (gen === this.gen && this.wanted > this.version && !this.busy) {
      this.busy = true;
      const from = this.version;
      try {
        const delta = await getJson(scenePath(this.sceneId, `delta?from=${from}`));
        if (gen !== this.gen) return;
        const touched = await this.apply(delta, gen);
        if (gen !== this.gen) return;
        this.renderNow();
        const lag = this.publishedAt ? epochNow() - this.publishedAt : null;
        this.on.status(`v${this.version}: ${touched} node${touched === 1 ? '' : 's'} changed`
            + (lag === null ? '' : `, shown ${Math.round(lag)} ms after the hub had it`), 'ready',
            { lagMs: lag, version: this.version });
      } catch (e) {
        if (gen === this.gen) this.on.status(`Could not update to v${this.wanted}: ${e.message}`, 'error');
        this.wanted = this.version; // until the next version announces itself
      } finally {
        if (gen === this.gen) this.busy = false;
      }
    }
  }

  /** Applies a delta: fetches the blobs it names that are not held, then touches only the nodes it lists. */
  async apply(delta, gen) {
    const incoming = delta.added.concat(delta.changed.map((c) => c.node));
    const need = [...new Set(incoming.map((n) => n.mesh).filter((h) => h && !this.geometries.has(h)))];
    const blobs = await fetchBlobs(need);
    if (gen !== this.gen) return 0;
    for (const [hash, blob] of blobs) {
      this.geometries.set(hash, geometryOf(hash, blob));
    }
    if (this.version === 0) this.placeRoot(delta.scene);
    if (delta.full) {
      const keep = new Set(delta.added.map((n) => n.id));
      for (const id of [...this.nodes.keys()]) if (!keep.has(id)) this.remove(id);
    }
    for (const n of incoming) this.upsert(n);
    for (const id of delta.removed) this.remove(id);
    for (const n of incoming) this.attach(n);
    this.dropUnused();
    this.version = delta.to;
    return incoming.length + delta.removed.length;
  }

  /** The scene's units become metres and a Y-up scene turns Z-up: (x, y, z) → (x, −z, y). */
  placeRoot(header) {
    this.root.scale.setScalar(UNIT_METRES[header.units] || 1);
    this.root.rotation.set(header.up === 'Y' ? Math.PI / 2 : 0, 0, 0);
  }

  upsert(n) {
    let rec = this.nodes.get(n.id);
    if (!rec) {
      const group = new THREE.Group();
      group.matrixAutoUpdate = false;
      group.userData.nodeId = n.id;
      rec = { data: n, group, mesh: null };
      this.nodes.set(n.id, rec);
    }
    rec.data = n;
    const t = Array.isArray(n.transform) && n.transform.length === 16 ? n.transform : null;
    if (t) rec.group.matrix.set(...t); else rec.group.matrix.identity(); // row-major, as Matrix4.set takes it
    rec.group.matrixWorldNeedsUpdate = true;
    const geo = n.mesh ? this.geometries.get(n.mesh) : null;
    if (geo) {
      const materials = this.materials.forNode(n.materials, geo.slots);
      if (!rec.mesh) {
        rec.mesh = new THREE.Mesh(geo.geometry, materials);
        rec.group.add(rec.mesh);
      } else {
        rec.mesh.geometry = geo.geometry;
        rec.mesh.material = materials;
      }
      rec.mesh.userData.hash = n.mesh;
      rec.mesh.visible = n.visible !== false; // the node's own mesh: its children keep their own visibility
    } else if (rec.mesh) {
      rec.group.remove(rec.mesh);
      rec.mesh = null;
    }
  }

  attach(n) {
    const rec = this.nodes.get(n.id);
    const parent = (n.parent && this.nodes.get(n.parent)?.group) || this.root;
    if (rec && rec.group.parent !== parent) parent.add(rec.group);
  }

  remove(id) {
    const rec = this.nodes.get(id);
    if (!rec) return;
    for (const child of [...rec.group.children]) {
      if (child !== rec.mesh) this.root.add(child); // an orphan until the delta says where it goes
    }
    rec.group.removeFromParent();
    this.nodes.delete(id);
  }

  dropUnused() {
    const used = new Set();
    for (const rec of this.nodes.values()) if (rec.data.mesh) used.add(rec.data.mesh);
    for (const [hash, geo] of this.geometries) {
      if (!used.has(hash)) {
        geo.geometry.dispose();
        this.geometries.delete(hash);
      }
    }
  }

  triangles() {
    let t = 0;
    for (const rec of this.nodes.values()) if (rec.mesh) t += this.geometries.get(rec.data.mesh)?.triangles || 0;
    return t;
  }

  /** Points the camera at the whole scene from the front-right, above. */
  frame() {
    this.root.updateMatrixWorld(true);
    const box = new THREE.Box3().setFromObject(this.root);
    if (box.isEmpty()) return;
    const centre = box.getCenter(new THREE.Vector3());
    const radius = Math.max(box.getSize(new THREE.Vector3()).length() / 2, 1e-3);
    const distance = radius / Math.sin(THREE.MathUtils.degToRad(this.camera.fov / 2)) * 1.1;
    const dir = new THREE.Vector3(0.6, -1, 0.7).normalize();
    this.camera.position.copy(centre).addScaledVector(dir, distance);
    this.camera.near = distance / 1000;
    this.camera.far = distance * 100;
    this.camera.updateProjectionMatrix();
    this.controls.target.copy(centre);
    this.controls.update();
  }

  resize() {
    const w = Math.max(this.container.clientWidth, 1);
    const h = Math.max(this.container.clientHeight, 1);
    this.renderer.setSize(w, h);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  requestRender() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.renderer.render(this.scene, this.camera);
    });
  }

  /** Draws now and waits for the GPU to finish, so timings mean "on screen", not "queued". */
  renderNow() {
    this.renderer.render(this.scene, this.camera);
    this.renderer.getContext().finish();
  }

  /** Where a node's centre is drawn, in CSS pixels of the window (for tests and benchmarks), or null. */
  project(nodeId) {
    const rec = this.nodes.get(nodeId);
    if (!rec) return null;
    this.root.updateMatrixWorld(true);
    const p = new THREE.Box3().setFromObject(rec.group).getCenter(new THREE.Vector3()).project(this.camera);
    const r = this.renderer.domElement.getBoundingClientRect();
    return { x: r.left + (p.x + 1) / 2 * r.width, y: r.top + (1 - p.y) / 2 * r.height };
  }

  /** A node as drawn: its world centre in metres (Z up), its blob and the geometry object (shared by instances). */
  inspect(nodeId) {
    const rec = this.nodes.get(nodeId);
    if (!rec) return null;
    this.root.updateMatrixWorld(true);
    const c = new THREE.Box3().setFromObject(rec.group).getCenter(new THREE.Vector3());
    return { centre: [c.x, c.y, c.z], mesh: rec.data.mesh, geometry: rec.mesh ? rec.mesh.geometry.uuid : null,
      visible: rec.mesh ? rec.mesh.visible : false };
  }

  listenForPicks() {
    const canvas = this.renderer.domElement;
    let down = null;
    canvas.addEventListener('pointerdown', (e) => { down = { x: e.clientX, y: e.clientY }; });
    canvas.addEventListener('pointerup', (e) => {
      if (down && Math.hypot(e.clientX - down.x, e.clientY - down.y) < CLICK_SLOP_PX) this.pickAt(e.clientX, e.clientY);
      down = null;
    });
  }

  /** The node drawn at a window point: its id, name and triangle count, outlined; null for the background. */
  pickAt(x, y) {
    const r = this.renderer.domElement.getBoundingClientRect();
    const ndc = new THREE.Vector2((x - r.left) / r.width * 2 - 1, 1 - (y - r.top) / r.height * 2);
    const ray = new THREE.Raycaster();
    ray.setFromCamera(ndc, this.camera);
    const hit = ray.intersectObject(this.root, true).find((h) => h.object.isMesh && h.object.visible);
    const rec = hit ? this.nodes.get(hit.object.parent.userData.nodeId) : null;
    this.setHighlight(rec);
    this.requestRender();
    this.on.pick(rec ? {
      id: rec.data.id, name: rec.data.name, mesh: rec.data.mesh,
      triangles: this.geometries.get(rec.data.mesh)?.triangles || 0, version: this.version,
    } : null);
  }

  setHighlight(rec) {
    if (this.highlight) {
      this.scene.remove(this.highlight);
      this.highlight.dispose();
      this.highlight = null;
    }
    if (rec) {
      this.highlight = new THREE.BoxHelper(rec.group, 0xff9900);
      this.scene.add(this.highlight);
    }
  }
}
