// Saving and loading a MiniGpt: config.json plus model.safetensors (float32 tensors under GPT-2
// names), written atomically.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parameter, tensor } from '../tensor/index.ts';
import { writeFileAtomic } from '../util/fs.ts';
import { check, fail } from '../util/errors.ts';
import { MiniGpt, parameterShapes, type MiniGptConfig } from './mini-gpt.ts';

export function saveMiniGpt(dir: string, model: MiniGpt): void {
  const s = model.spec;
  const config = { model_type: 'mini-gpt', vocab_size: s.vocabSize, n_positions: s.contextLength, n_embd: s.dModel, n_layer: s.nLayers, n_head: s.nHeads };
  writeFileAtomic(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> = {};
  const chunks: Uint8Array[] = [];
  let off = 0;
  for (const [name, shape] of parameterShapes(s)) {
    const data = new Float32Array(model.params.get(name)!.contiguous().buffer() as Float32Array);
    const bytes = new Uint8Array(data.buffer);
    header[name] = { dtype: 'F32', shape, data_offsets: [off, off + bytes.length] };
    chunks.push(bytes);
    off += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // keeps the data 8-byte aligned
  const head = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + head.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let p = 8 + head.length;
  for (const c of chunks) { out.set(c, p); p += c.length; }
  writeFileAtomic(join(dir, 'model.safetensors'), out);
}

export function loadMiniGpt(dir: string): MiniGpt {
  const where = 'loadMiniGpt';
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  check(cfg.model_type === 'mini-gpt', where, `${dir}/config.json: model_type must be 'mini-gpt', got ${String(cfg.model_type)}`);
  const num = (k: string): number => {
    const v = cfg[k];
    return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : fail(where, `${dir}/config.json: ${k} must be a positive integer`);
  };
  const spec: MiniGptConfig = { vocabSize: num('vocab_size'), contextLength: num('n_positions'), dModel: num('n_embd'), nLayers: num('n_layer'), nHeads: num('n_head') };
  const buf = readFileSync(join(dir, 'model.safetensors'));
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const params = new Map<string, Parameter>();
  for (const [name] of parameterShapes(spec)) {
    const h = header[name] ?? fail(where, `${dir}/model.safetensors lacks tensor '${name}'`);
    check(h.dtype === 'F32', where, `tensor '${name}' must be F32, got ${h.dtype}`);
    const [a, b] = h.data_offsets;
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 8 + n + a, buf.byteOffset + 8 + n + b));
    params.set(name, new Parameter(tensor(data, h.shape), { name }));
  }
  return new MiniGpt(spec, params);
}
