// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each name
// to { dtype, shape, data_offsets } (plus optional string `__metadata__`), then the raw
// little-endian bytes. Files are written atomically.
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { Tensor, type DType } from '../../tensor/index.ts';
import { writeFileAtomic } from '../../util/fs.ts';
import { fail, fmtShape } from '../../util/errors.ts';

const TO_ST: Partial<Record<DType, string>> = { f32: 'F32', f64: 'F64', f16: 'F16', bf16: 'BF16', i32: 'I32', u8: 'U8', i8: 'I8' };
const FROM_ST: Record<string, DType> = Object.fromEntries(Object.entries(TO_ST).map(([k, v]) => [v, k as DType]));
const BYTES: Record<DType, number> = { f32: 4, f64: 8, f16: 2, bf16: 2, i32: 4, u8: 1, i8: 1 };

export interface Safetensors {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function requireLittleEndian(op: string): void {
  if (endianness() !== 'LE') fail(op, 'safetensors data is little-endian; this host is big-endian');
}

/** Encodes tensors (any layout; written contiguous) in safetensors order (sorted names). */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  requireLittleEndian('encodeSafetensors');
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') fail('encodeSafetensors', `metadata '${k}' must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  const names = Object.keys(tensors).sort();
  const blobs: Uint8Array[] = [];
  let off = 0;
  for (const name of names) {
    if (name === '__metadata__') fail('encodeSafetensors', "'__metadata__' is reserved and cannot name a tensor");
    const t = tensors[name];
    const st = TO_ST[t.dtype] ?? fail('encodeSafetensors', `tensor '${name}' has unsupported dtype ${t.dtype}`);
    const buf = t.contiguous().buffer();
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    header[name] = { dtype: st, shape: [...t.shape], data_offsets: [off, off + bytes.length] };
    blobs.push(bytes);
    off += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const hbytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + hbytes.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(hbytes.length), true);
  out.set(hbytes, 8);
  let at = 8 + hbytes.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** Decodes a safetensors buffer; every tensor gets its own aligned storage. */
export function decodeSafetensors(bytes: Uint8Array, source = 'buffer'): Safetensors {
  requireLittleEndian('decodeSafetensors');
  const op = `safetensors(${source})`;
  if (bytes.length < 8) fail(op, `file is ${bytes.length} bytes; a safetensors file starts with an 8-byte header length`);
  const hlen = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (hlen > bytes.length - 8) fail(op, `header length ${hlen} exceeds the file size ${bytes.length}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, hlen).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    return fail(op, `header is not valid JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + hlen;
  const dataLen = bytes.length - dataStart;
  const tensors: Record<string, Tensor> = {};
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as HeaderEntry;
    const dtype = FROM_ST[e.dtype] ?? fail(op, `tensor '${name}' has unsupported dtype '${e.dtype}' (supported: ${Object.keys(FROM_ST).join(', ')})`);
    const [s, end] = e.data_offsets ?? [];
    const n = (e.shape ?? []).reduce((a, b) => a * b, 1);
    if (!Array.isArray(e.shape) || !Number.isInteger(s) || !Number.isInteger(end) || s < 0 || end > dataLen || end - s !== n * BYTES[dtype]) {
      fail(op, `tensor '${name}' (${e.dtype} ${fmtShape(e.shape ?? [])}) has data_offsets [${e.data_offsets}] inconsistent with its size or the data length ${dataLen}`);
    }
    const t = Tensor.empty(e.shape, dtype);
    const dst = t.data;
    new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength).set(bytes.subarray(dataStart + s, dataStart + end));
    tensors[name] = t;
  }
  return { tensors, metadata };
}

export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export function loadSafetensors(path: string): Safetensors {
  return decodeSafetensors(readFileSync(path), path);
}
