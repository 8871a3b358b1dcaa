// Checkpoint files: one self-checking binary per step, written atomically (temp file, fsync,
// rename), so a crash leaves the previous checkpoints intact and never a torn one.
// Layout: 'TSRCKPT1', u32 LE header length, header JSON, then raw little-endian f32 tensors.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { check, fail } from '../util/errors.ts';
import { writeFileAtomic } from '../util/fs.ts';

const MAGIC = 'TSRCKPT1';
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface CheckpointData {
  readonly step: number;
  /** Float tensors by name (model.*, optim.*). */
  readonly tensors: Record<string, Float32Array>;
  /** Everything else needed to resume exactly: sampler, RNG states, optimizer scalars, config. */
  readonly meta: { [k: string]: Json };
}

interface TensorEntry { name: string; offset: number; length: number }
interface Header { format: 'tessera-checkpoint'; version: 1; step: number; sha256: string; tensors: TensorEntry[]; meta: { [k: string]: Json } }

export function encodeCheckpoint(ck: CheckpointData): Uint8Array {
  const entries: TensorEntry[] = [];
  let floats = 0;
  for (const [name, arr] of Object.entries(ck.tensors)) {
    entries.push({ name, offset: floats, length: arr.length });
    floats += arr.length;
  }
  const body = new Float32Array(floats);
  for (const e of entries) body.set(ck.tensors[e.name]!, e.offset);
  const bodyBytes = new Uint8Array(body.buffer);
  const sha256 = createHash('sha256').update(bodyBytes).digest('hex');
  const header: Header = { format: 'tessera-checkpoint', version: 1, step: ck.step, sha256, tensors: entries, meta: ck.meta };
  const hb = Buffer.from(JSON.stringify(header), 'utf8');
  // Pad the header so the f32 body starts 4-byte aligned.
  const pad = (4 - ((12 + hb.length) % 4)) % 4;
  const out = new Uint8Array(12 + hb.length + pad + bodyBytes.length);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(8, hb.length + pad, true);
  out.set(hb, 12);
  out.fill(0x20, 12 + hb.length, 12 + hb.length + pad);
  out.set(bodyBytes, 12 + hb.length + pad);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): CheckpointData {
  const where = 'loadCheckpoint';
  check(bytes.length >= 12 && Buffer.from(bytes.subarray(0, 8)).toString('latin1') === MAGIC, where, `${source} is not a Tessera checkpoint (bad magic)`);
  const hlen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  check(12 + hlen <= bytes.length, where, `${source} is truncated (header length ${hlen})`);
  let header: Header;
  try { header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + hlen)).toString('utf8')) as Header; } catch { fail(where, `${source} has a corrupt header`); }
  check(header.format === 'tessera-checkpoint' && header.version === 1, where, `${source}: format must be tessera-checkpoint version 1`);
  // Copy: a Buffer from readFileSync may sit at an offset that is not 4-byte aligned.
  const bodyBytes = new Uint8Array(bytes.subarray(12 + hlen));
  const sha = createHash('sha256').update(bodyBytes).digest('hex');
  check(sha === header.sha256, where, `${source} is corrupt: body checksum ${sha.slice(0, 12)} != ${header.sha256.slice(0, 12)}`);
  check(bodyBytes.length % 4 === 0, where, `${source}: body is not a whole number of f32 values`);
  const body = new Float32Array(bodyBytes.buffer, bodyBytes.byteOffset, bodyBytes.length / 4);
  const tensors: Record<string, Float32Array> = {};
  for (const e of header.tensors) {
    check(e.offset + e.length <= body.length, where, `${source}: tensor '${e.name}' lies outside the body`);
    tensors[e.name] = body.subarray(e.offset, e.offset + e.length);
  }
  return { step: header.step, tensors, meta: header.meta };
}

const NAME = /^step-(\d{8})\.ckpt$/;
export const checkpointPath = (dir: string, step: number): string => join(dir, `step-${String(step).padStart(8, '0')}.ckpt`);

/** Writes `step-XXXXXXXX.ckpt` atomically, then deletes all but the newest `keep`. */
export function saveCheckpoint(dir: string, ck: CheckpointData, keep = 2): string {
  const path = checkpointPath(dir, ck.step);
  writeFileAtomic(path, encodeCheckpoint(ck));
  const steps = listCheckpoints(dir);
  for (const s of steps.slice(0, Math.max(0, steps.length - keep))) unlinkSync(checkpointPath(dir, s));
  return path;
}

/** Steps that have a checkpoint file in `dir`, ascending. */
export function listCheckpoints(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => { const m = NAME.exec(f); return m ? [Number(m[1])] : []; }).sort((a, b) => a - b);
}

export function loadCheckpoint(path: string): CheckpointData {
  if (!existsSync(path)) fail('loadCheckpoint', `no checkpoint at ${path}`);
  return decodeCheckpoint(readFileSync(path), path);
}

/** The newest checkpoint in `dir` that verifies, or null. Leftover temp files are removed. */
export function loadLatestCheckpoint(dir: string): { path: string; data: CheckpointData } | null {
  if (!existsSync(dir)) return null;
  for (const f of readdirSync(dir)) if (f.endsWith('.tmp')) unlinkSync(join(dir, f));
  for (const step of listCheckpoints(dir).reverse()) {
    const path = checkpointPath(dir, step);
    try {
      return { path, data: loadCheckpoint(path) };
    } catch (e) {
      process.emitWarning(`skipping unreadable checkpoint: ${(e as Error).message}`);
    }
  }
  return null;
}
