/**
 * Packed forms of a model's constants (weights laid out the way the kernels read them), built on a constant's first
 * use and kept in the heap while a session that uses it is open. Each session (CpuSession, returned by the backend's
 * init) claims the model constants it passes to this backend's kernels; a packed form is shared by the sessions that
 * claim its tensor and returns to the heap when the last of them is released. Any other tensor (a feed, a computed
 * value, a constant used outside a session) is packed into the call's scratch every time, so changing it between runs
 * is always seen.
 */
import { isModelConstant, type BackendSession, type Tensor } from '@onnx-ts/core';
import type { Scratch } from './call.js';
import { residentAddress } from './resident.js';
import { wasmRuntime } from './wasm.js';

/** A claimed constant: how many open sessions use it, and the heap address of each packed form (by key). */
interface Claim {
  sessions: number;
  packs: Map<string, number>;
}

const claims = new WeakMap<Tensor, Claim>();
let openSessions = 0;

/** Tensors this backend computed from model constants alone, which are constants of the session as well. */
const derived = new WeakSet<Tensor>();

export function markDerivedConstant(t: Tensor): void {
  derived.add(t);
}

/** Whether an open session passed this model constant to this backend. */
export function isClaimedConstant(t: Tensor): boolean {
  return claims.has(t);
}

function unclaim(tensors: Iterable<Tensor>): void {
  const { heap } = wasmRuntime();
  for (const t of tensors) {
    const claim = claims.get(t)!;
    if (--claim.sessions > 0) continue;
    claims.delete(t);
    for (const at of claim.packs.values()) heap.release(at);
  }
}

/** A session dropped without release(): its claims end when it is garbage collected. */
const abandoned = new FinalizationRegistry<Set<Tensor>>((constants) => {
  openSessions--;
  unclaim(constants);
});

/** What the 'cpu' backend holds for one session: the model constants it claimed (and so their packed forms). */
export class CpuSession implements BackendSession {
  private readonly constants = new Set<Tensor>();
  private released = false;

  constructor() {
    openSessions++;
    abandoned.register(this, this.constants, this);
  }

  /** Tensors stay on the CPU (kernels read them there); a model constant is claimed for this session on the way. */
  upload(t: Tensor): Tensor {
    // A run still going when the session is released packs into scratch, so nothing outlives release().
    if (this.released || this.constants.has(t) || !(isModelConstant(t) || derived.has(t))) return t;
    this.constants.add(t);
    const claim = claims.get(t);
    if (claim) claim.sessions++;
    else claims.set(t, { sessions: 1, packs: new Map() });
    return t;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    openSessions--;
    abandoned.unregister(this);
    unclaim(this.constants);
    this.constants.clear();
  }
}

/** How many sessions of this backend are open (created and neither released nor collected). */
export function openSessionCount(): number {
  return openSessions;
}

const ids = new WeakMap<Tensor, number>();
let nextId = 0;

function idOf(t: Tensor): number {
  let id = ids.get(t);
  if (id === undefined) ids.set(t, (id = nextId++));
  return id;
}

/**
 * The address of the packed form `kind` of `tensors` (the first holds it; the others are further constants it is
 * computed from), built by `build` at the address it is given: kept in the heap when every one of them is a claimed
 * model constant, else in the call's scratch.
 */
export function packedConstant(kind: string, tensors: readonly Tensor[], bytes: number, scratch: Scratch, build: (at: number) => void): number {
  const claim = claims.get(tensors[0]);
  if (!claim || tensors.some((t, i) => i > 0 && !claims.has(t))) {
    const at = scratch.alloc(bytes);
    build(at);
    return at;
  }
  const key = tensors.length === 1 ? kind : `${kind} ${tensors.slice(1).map(idOf).join(' ')}`;
  const hit = claim.packs.get(key);
  if (hit !== undefined) return hit;
  const { heap } = wasmRuntime();
  const at = heap.alloc(bytes);
  try {
    build(at);
  } catch (e) {
    heap.release(at);
    throw e;
  }
  claim.packs.set(key, at);
  return at;
}

/** The address of a float32 tensor's values as they are: resident where it lives, a kept copy, or a scratch copy. */
export function copiedConstant(t: Tensor<'float32'>, scratch: Scratch): number {
  return residentAddress(t) ?? packedConstant('copy', [t], t.size * 4, scratch, (at) => wasmRuntime().f32().set(t.data, at >> 2));
}
