// Packed token files: raw little-endian uint16/uint32 ids in `<name>.bin` plus a JSON sidecar
// `<name>.bin.json`; documents are joined with the end-of-text token after each one.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { check, fail } from '../util/errors.ts';
import { writeFileAtomic } from '../util/fs.ts';

export type TokenDtype = 'uint16' | 'uint32';

export interface TokenFileMeta {
  readonly format: 'tessera-tokens';
  readonly version: 1;
  readonly dtype: TokenDtype;
  readonly vocabSize: number;
  readonly tokenCount: number;
  readonly documents: number;
  /** Token written after each document. */
  readonly eotId: number;
}

export const dtypeFor = (vocabSize: number): TokenDtype => (vocabSize <= 65536 ? 'uint16' : 'uint32');
const bytesPer = (d: TokenDtype): number => (d === 'uint16' ? 2 : 4);
export const sidecarPath = (binPath: string): string => `${binPath}.json`;

/** Writes documents' ids (each followed by eotId) and the sidecar, both atomically. */
export function writeTokenFile(path: string, docs: Iterable<ArrayLike<number>>, vocabSize: number, eotId: number): TokenFileMeta {
  const where = 'writeTokenFile';
  check(Number.isInteger(vocabSize) && vocabSize > 0 && vocabSize <= 2 ** 32, where, `vocabSize must be an integer in [1, 2^32], got ${vocabSize}`);
  check(Number.isInteger(eotId) && eotId >= 0 && eotId < vocabSize, where, `eotId must be in [0, vocabSize), got ${eotId}`);
  const dtype = dtypeFor(vocabSize);
  const Arr = dtype === 'uint16' ? Uint16Array : Uint32Array;
  let buf = new Arr(1 << 16);
  let n = 0;
  let documents = 0;
  const put = (id: number): void => {
    if (n === buf.length) { const bigger = new Arr(buf.length * 2); bigger.set(buf); buf = bigger; }
    buf[n++] = id;
  };
  for (const doc of docs) {
    for (let i = 0; i < doc.length; i++) {
      const id = doc[i]!;
      if (!(Number.isInteger(id) && id >= 0 && id < vocabSize)) fail(where, `document ${documents} token ${i} is ${id}, outside [0, ${vocabSize})`);
      put(id);
    }
    put(eotId);
    documents++;
  }
  const meta: TokenFileMeta = { format: 'tessera-tokens', version: 1, dtype, vocabSize, tokenCount: n, documents, eotId };
  // Typed arrays are little-endian on every platform Node supports, which is the file's order.
  writeFileAtomic(path, new Uint8Array(buf.buffer, 0, n * bytesPer(dtype)));
  writeFileAtomic(sidecarPath(path), JSON.stringify(meta, null, 2) + '\n');
  return meta;
}

export function readTokenMeta(path: string): TokenFileMeta {
  const side = sidecarPath(path);
  if (!existsSync(side)) fail('readTokenMeta', `missing sidecar ${side} for token file ${path}`);
  const m = JSON.parse(readFileSync(side, 'utf8')) as Partial<TokenFileMeta>;
  check(m.format === 'tessera-tokens' && m.version === 1, 'readTokenMeta', `${side}: format must be 'tessera-tokens' version 1`);
  check(m.dtype === 'uint16' || m.dtype === 'uint32', 'readTokenMeta', `${side}: dtype must be 'uint16' or 'uint32', got ${String(m.dtype)}`);
  for (const k of ['vocabSize', 'tokenCount', 'documents', 'eotId'] as const) {
    check(Number.isInteger(m[k]) && m[k]! >= 0, 'readTokenMeta', `${side}: ${k} must be a non-negative integer`);
  }
  return m as TokenFileMeta;
}

/** A packed token file read at offsets, never loaded whole into a JS array. */
export class TokenFile {
  readonly meta: TokenFileMeta;
  private fd: number;
  private readonly width: number;
  private scratch = Buffer.alloc(0);

  constructor(readonly path: string) {
    this.meta = readTokenMeta(path);
    this.width = bytesPer(this.meta.dtype);
    this.fd = openSync(path, 'r');
    const size = fstatSync(this.fd).size;
    if (size !== this.meta.tokenCount * this.width) {
      closeSync(this.fd);
      fail('TokenFile', `${path} has ${size} bytes; the sidecar says ${this.meta.tokenCount} ${this.meta.dtype} tokens`);
    }
  }

  get length(): number {
    return this.meta.tokenCount;
  }

  /** Copies tokens [start, start + out.length) into out. */
  read(start: number, out: Int32Array): Int32Array {
    check(start >= 0 && start + out.length <= this.length, 'TokenFile.read', `range [${start}, ${start + out.length}) is outside [0, ${this.length})`);
    const bytes = out.length * this.width;
    if (this.scratch.length < bytes) this.scratch = Buffer.alloc(bytes);
    let got = 0;
    while (got < bytes) {
      const r = readSync(this.fd, this.scratch, got, bytes - got, start * this.width + got);
      if (r === 0) fail('TokenFile.read', `${this.path} ended early`);
      got += r;
    }
    for (let i = 0; i < out.length; i++) {
      out[i] = this.width === 2 ? this.scratch.readUInt16LE(2 * i) : this.scratch.readUInt32LE(4 * i);
    }
    return out;
  }

  /** Every token in one typed array (one Buffer, not a JS array): for small files and baselines. */
  readAll(): Uint16Array | Uint32Array {
    const buf = readFileSync(this.path);
    const copy = new Uint8Array(buf.length);
    copy.set(buf);
    return this.meta.dtype === 'uint16' ? new Uint16Array(copy.buffer, 0, this.length) : new Uint32Array(copy.buffer, 0, this.length);
  }

  close(): void {
    if (this.fd >= 0) { closeSync(this.fd); this.fd = -1; }
  }
}
