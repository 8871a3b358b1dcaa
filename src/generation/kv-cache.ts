// A preallocated per-layer key/value cache with one slot per sequence. Each slot keeps its own
// length, so slots at different lengths decode together (continuous batching) and a slot can be
// truncated (speculative rollback). Padding entries (left padding: only before a slot's first real
// token) stay in the cache but are marked invalid, never attended to, and do not advance position ids.
import { kernel } from '../tensor/index.ts';
import { check, fail } from '../util/errors.ts';

export interface KvCacheShape {
  readonly nLayers: number;
  /** Query heads; `nKvHeads` key/value heads serve them in groups (GQA). */
  readonly nHeads: number;
  readonly nKvHeads: number;
  readonly headDim: number;
  /** Slots (sequences) and entries per slot. */
  readonly slots: number;
  readonly maxLength: number;
}

export interface CacheStep {
  /** Cache slot of each row of the forward (default: row i uses slot i). */
  readonly rows?: ArrayLike<number>;
  /** (B, T) 1 for a real token, 0 for padding (default: all real). */
  readonly mask?: ArrayLike<number>;
}

export class KvCache {
  readonly shape: KvCacheShape;
  /** Per layer (slots, nKvHeads, maxLength, headDim). */
  readonly keys: Float32Array[];
  readonly values: Float32Array[];
  /** Entries written per slot. */
  readonly lengths: Int32Array;
  /** (slots, maxLength) 1 where the entry is a real token. */
  readonly valid: Uint8Array;
  private rows: Int32Array = new Int32Array(0);
  private t = 0;

  constructor(shape: KvCacheShape) {
    for (const k of ['nLayers', 'nHeads', 'nKvHeads', 'headDim', 'slots', 'maxLength'] as const) {
      check(Number.isInteger(shape[k]) && shape[k] > 0, 'KvCache', `${k} must be a positive integer, got ${shape[k]}`);
    }
    check(shape.nHeads % shape.nKvHeads === 0, 'KvCache', `nHeads (${shape.nHeads}) must be a multiple of nKvHeads (${shape.nKvHeads})`);
    this.shape = { ...shape };
    const n = shape.slots * shape.nKvHeads * shape.maxLength * shape.headDim;
    this.keys = Array.from({ length: shape.nLayers }, () => new Float32Array(n));
    this.values = Array.from({ length: shape.nLayers }, () => new Float32Array(n));
    this.lengths = new Int32Array(shape.slots);
    this.valid = new Uint8Array(shape.slots * shape.maxLength);
  }

  /** Position id of the next real token of `slot` (the number of real entries before it). */
  position(slot: number): number {
    let n = 0;
    const base = slot * this.shape.maxLength;
    for (let j = 0; j < this.lengths[slot]; j++) n += this.valid[base + j];
    return n;
  }

  /**
   * Starts a forward of `t` new tokens for each of `b` rows: marks the new entries and returns their
   * position ids (b, t). Padding gets the position of the next real token (it is never attended to).
   */
  begin(b: number, t: number, step: CacheStep = {}): Int32Array {
    const { slots, maxLength } = this.shape;
    const rows = step.rows ? Int32Array.from(step.rows) : Int32Array.from({ length: b }, (_, i) => i);
    check(rows.length === b, 'KvCache.begin', `rows must list ${b} slots, got ${rows.length}`);
    if (step.mask) check(step.mask.length === b * t, 'KvCache.begin', `mask must have ${b * t} entries (B·T), got ${step.mask.length}`);
    const pos = new Int32Array(b * t);
    for (let i = 0; i < b; i++) {
      const s = rows[i];
      check(s >= 0 && s < slots, 'KvCache.begin', `slot ${s} is outside 0..${slots - 1}`);
      if (this.lengths[s] + t > maxLength) {
        fail('KvCache.begin', `slot ${s} holds ${this.lengths[s]} entries; ${t} more exceed maxLength ${maxLength}`);
      }
      let p = this.position(s);
      for (let j = 0; j < t; j++) {
        const real = step.mask ? (step.mask[i * t + j] ? 1 : 0) : 1;
        if (!real && p > 0) fail('KvCache.begin', `mask: padding of slot ${s} must come before its real tokens (left padding)`);
        this.valid[s * maxLength + this.lengths[s] + j] = real;
        pos[i * t + j] = p;
        p += real;
      }
    }
    this.rows = rows;
    this.t = t;
    return pos;
  }

  /**
   * Writes this layer's new keys/values and returns causal attention over each slot's valid
   * entries. q (B, T, nHeads·Dh), k and v (B, T, nKvHeads·Dh), output (B, T, nHeads·Dh); padding
   * queries get zeros. The fused attention kernel runs per (slot, KV head) on the slot's keys from
   * its first real entry, so a query's keys and their order do not depend on B, T or the padding.
   */
  attend(layer: number, q: Float32Array, k: Float32Array, v: Float32Array): Float32Array {
    const { nHeads, nKvHeads, headDim: d, maxLength } = this.shape;
    const b = this.rows.length;
    const t = this.t;
    const qw = nHeads * d;
    const kw = nKvHeads * d;
    check(q.length === b * t * qw && k.length === b * t * kw && v.length === k.length, 'KvCache.attend',
      `expected q of ${b * t * qw} and k, v of ${b * t * kw} values for B=${b}, T=${t}`);
    const K = this.keys[layer];
    const V = this.values[layer];
    const group = nHeads / nKvHeads;
    const out = new Float32Array(b * t * qw);
    const qh = new Float32Array(group * t * d); // (group, nq, d): one KV head's query heads
    const oh = new Float32Array(group * t * d);
    const lse = new Float32Array(group * t);
    const attention = kernel('attention');
    const direct = t === 1 ? new Int32Array(this.shape.slots).fill(-1) : null; // slot -> decoding row without padding
    for (let i = 0; i < b; i++) {
      const s = this.rows[i];
      const base = this.lengths[s];
      for (let j = 0; j < t; j++) {
        for (let h = 0; h < nKvHeads; h++) {
          const dst = ((s * nKvHeads + h) * maxLength + base + j) * d;
          const src = (i * t + j) * kw + h * d;
          K.set(k.subarray(src, src + d), dst);
          V.set(v.subarray(src, src + d), dst);
        }
      }
      const end = base + t;
      let start = 0;
      while (start < end && !this.valid[s * maxLength + start]) start++;
      if (direct && start === 0 && direct[s] < 0) { direct[s] = i; continue; }
      const skip = Math.max(0, start - base); // padding queries of this pass
      const nq = t - skip;
      if (nq === 0) continue;
      const nk = end - start;
      const p = { batch: 1, headsQ: group, headsKV: 1, nq, nk, d, scale: 1 / Math.sqrt(d), causal: true, keyLengths: null, dropout: 0, seed: 0 };
      for (let h = 0; h < nKvHeads; h++) {
        for (let g = 0; g < group; g++) {
          for (let j = 0; j < nq; j++) {
            const qo = (i * t + skip + j) * qw + (h * group + g) * d;
            qh.set(q.subarray(qo, qo + d), (g * nq + j) * d);
          }
        }
        const kv = ((s * nKvHeads + h) * maxLength + start) * d;
        attention(qh.subarray(0, group * nq * d), K.subarray(kv, kv + nk * d), V.subarray(kv, kv + nk * d),
          oh.subarray(0, group * nq * d), lse.subarray(0, group * nq), p);
        for (let g = 0; g < group; g++) {
          for (let j = 0; j < nq; j++) {
            const o = (g * nq + j) * d;
            out.set(oh.subarray(o, o + d), (i * t + skip + j) * qw + (h * group + g) * d);
          }
        }
      }
    }
    if (direct) this.attendDecoding(layer, direct, q, out);
    return out;
  }

  // One kernel call for every decoding row whose slot has no padding: batch = slot, each slot's heads
  // at their cache stride (nk = maxLength), keyLengths its entries (0 for slots not in this step).
  // Each head streams the same key blocks from entry 0 as a call of its own, so its bits are the same.
  private attendDecoding(layer: number, slotRow: Int32Array, q: Float32Array, out: Float32Array): void {
    const { slots, nHeads, nKvHeads, headDim: d, maxLength } = this.shape;
    const qw = nHeads * d;
    const lens = new Int32Array(slots);
    const qs = new Float32Array(slots * qw); // (slots, nHeads, 1, d)
    let rows = 0;
    slotRow.forEach((i, s) => {
      if (i < 0) return;
      rows++;
      lens[s] = this.lengths[s] + 1;
      qs.set(q.subarray(i * qw, (i + 1) * qw), s * qw);
    });
    if (rows === 0) return;
    const os = new Float32Array(slots * qw);
    kernel('attention')(qs, this.keys[layer], this.values[layer], os, new Float32Array(slots * nHeads),
      { batch: slots, headsQ: nHeads, headsKV: nKvHeads, nq: 1, nk: maxLength, d, scale: 1 / Math.sqrt(d), causal: false, keyLengths: lens, dropout: 0, seed: 0 });
    slotRow.forEach((i, s) => { if (i >= 0) out.set(os.subarray(s * qw, (s + 1) * qw), i * qw); });
  }

  /** Ends the forward started by begin(): the new entries become part of their slots. */
  end(): void {
    for (const s of this.rows) this.lengths[s] += this.t;
    this.rows = new Int32Array(0);
    this.t = 0;
  }

  /** Keeps the first `length` entries of `slot` (speculative rollback, or reuse of a prefix). */
  truncate(slot: number, length: number): void {
    check(length >= 0 && length <= this.lengths[slot], 'KvCache.truncate', `length must be in 0..${this.lengths[slot]}, got ${length}`);
    this.lengths[slot] = length;
  }

  /** Empties a slot for a new sequence. */
  reset(slot: number): void {
    this.truncate(slot, 0);
  }

  /** Copies slot `from` of `src` (same layer shapes) into slot `to` of this cache. */
  copySlot(src: KvCache, from: number, to: number): void {
    const { nKvHeads, headDim, maxLength } = this.shape;
    check(src.shape.nLayers === this.shape.nLayers && src.shape.nKvHeads === nKvHeads && src.shape.headDim === headDim,
      'KvCache.copySlot', 'source cache has other layer shapes');
    const n = src.lengths[from];
    check(n <= maxLength, 'KvCache.copySlot', `source holds ${n} entries, more than maxLength ${maxLength}`);
    for (let l = 0; l < this.shape.nLayers; l++) {
      for (let h = 0; h < nKvHeads; h++) {
        const so = (from * nKvHeads + h) * src.shape.maxLength * headDim;
        const dofs = (to * nKvHeads + h) * maxLength * headDim;
        this.keys[l].set(src.keys[l].subarray(so, so + n * headDim), dofs);
        this.values[l].set(src.values[l].subarray(so, so + n * headDim), dofs);
      }
    }
    this.valid.set(src.valid.subarray(from * src.shape.maxLength, from * src.shape.maxLength + n), to * maxLength);
    this.lengths[to] = n;
  }
}
