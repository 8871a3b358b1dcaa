// `npm run bench:serve`: aggregate decoding throughput of `tessera serve` (the CLI in its own
// process, real HTTP on loopback) on a GPT of the training anchor's size (d=256, 6 layers, 8 heads,
// 8192-token BPE; random weights, since throughput does not depend on them), measured with the
// official `openai` client: the same N streaming requests one at a time, then all N at once.
// Every request generates exactly --tokens tokens (ignore_eos); the run fails if any request is
// lost, cut short or its stream does not end with [DONE].
// Options: --requests N (16), --tokens T (64), --rounds R (5, medians), --model d,layers,heads (256,6,8),
// --vocab V (8192). SERVE_PROF=<dir> writes the server's CPU profiles (one per thread) there.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { registerDefaultBackends } from '../src/backends/register.ts';
import { loadCorpus } from '../src/data/index.ts';
import { createModel, saveHfCheckpoint } from '../src/models/index.ts';
import { saveTokenizer, trainBpe } from '../src/tokenizers/index.ts';
import { writeFileAtomic } from '../src/util/fs.ts';
import { median } from './lib/timing.ts';
import { renderServeReport, serveChartSvg, type Phase, type RequestTiming, type ServeResults } from './lib/serve-report.ts';

const { values } = parseArgs({ options: {
  requests: { type: 'string' }, tokens: { type: 'string' }, rounds: { type: 'string' }, model: { type: 'string' }, vocab: { type: 'string' },
} });
const N = Number(values.requests ?? 16);
const TOKENS = Number(values.tokens ?? 64);
const ROUNDS = Number(values.rounds ?? 5);
const [dim, nLayers, nHeads] = (values.model ?? '256,6,8').split(',').map(Number) as [number, number, number];
const VOCAB = Number(values.vocab ?? 8192);
const bin = new URL('../bin/tessera.mjs', import.meta.url).pathname;
const results = new URL('./results/', import.meta.url).pathname;

/** A servable folder: random-init GPT + a BPE trained on the corpus, in the Hugging Face layout. */
function modelFolder(dir: string): number {
  const model = createModel({ modelType: 'gpt', vocabSize: VOCAB, dim, nLayers, nHeads, maxSeqLen: 256, seed: 1 }).eval();
  saveHfCheckpoint(model, dir);
  const tok = trainBpe(loadCorpus('sotu').map((d) => d.text), { vocabSize: VOCAB, specialTokens: ['<|endoftext|>'] });
  saveTokenizer(tok, join(dir, 'tokenizer.json'));
  return model.numParameters();
}

async function startServer(dir: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [...(process.env.SERVE_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.SERVE_PROF] : []), bin, 'serve', dir, '--port', '0', '--name', 'bench', '--max-concurrent', String(N)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /at (http:\/\/\S+)\/v1/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`bench:serve: the server exited (${code}) before listening: ${out}`)));
  });
  return { child, base };
}

// The openai client hides the SSE framing, so its fetch is wrapped to keep each stream's last bytes:
// every stream must end with `data: [DONE]`.
const tails = new Map<string, string>();
const recordingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  const key = new Headers(init?.headers).get('x-bench-request');
  if (!key || !res.body) return res;
  const dec = new TextDecoder();
  let tail = '';
  const body = res.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) { tail = (tail + dec.decode(chunk, { stream: true })).slice(-64); ctl.enqueue(chunk); },
    flush() { tails.set(key, tail); },
  }));
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
};

async function one(client: OpenAI, i: number, key: string): Promise<RequestTiming> {
  const t0 = performance.now();
  const stream = await client.completions.create({
    model: 'bench', prompt: `Request ${i}: the state of the Union and the economy`, max_tokens: TOKENS, temperature: 0.8, seed: i, stream: true,
    stream_options: { include_usage: true }, ...{ ignore_eos: true },
  }, { headers: { 'x-bench-request': key } });
  let first = 0;
  let last = 0;
  let chunks = 0;
  let usage = -1;
  let finish: string | null = null;
  for await (const c of stream) {
    if (c.usage) usage = c.usage.completion_tokens;
    const ch = c.choices[0];
    if (ch?.text) { last = performance.now(); if (!first) first = last; chunks++; }
    if (ch?.finish_reason) finish = ch.finish_reason;
  }
  const end = performance.now();
  const done = /data: \[DONE\]\s*$/.test(tails.get(key) ?? '');
  if (usage !== TOKENS || finish !== 'length' || !done || chunks === 0) {
    throw new Error(`bench:serve: request ${key} lost or cut short: ${usage} tokens (want ${TOKENS}), finish ${finish}, [DONE] ${done}, ${chunks} text chunks`);
  }
  return { ttft: (first - t0) / 1000, perToken: (last - first) / 1000 / (TOKENS - 1), total: (end - t0) / 1000 };
}

async function phase(client: OpenAI, round: number, concurrent: boolean): Promise<{ sec: number; reqs: RequestTiming[] }> {
  const t0 = performance.now();
  const reqs: RequestTiming[] = [];
  if (concurrent) reqs.push(...await Promise.all(Array.from({ length: N }, (_, i) => one(client, i, `${round}c${i}`))));
  else for (let i = 0; i < N; i++) reqs.push(await one(client, i, `${round}s${i}`));
  return { sec: (performance.now() - t0) / 1000, reqs };
}

function summarize(ph: { sec: number; reqs: RequestTiming[] }[]): Phase {
  const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
  const all = ph.flatMap((x) => x.reqs);
  const ms = (xs: number[]): Record<string, number> => ({ p50: pct(xs, 0.5) * 1000, p90: pct(xs, 0.9) * 1000, p99: pct(xs, 0.99) * 1000 });
  const tokensPerSec = ph.map((x) => (N * TOKENS) / x.sec);
  return { tokensPerSec: median(tokensPerSec), rounds: tokensPerSec, ttftMs: ms(all.map((r) => r.ttft)), perTokenMs: ms(all.map((r) => r.perToken)), requests: all.length };
}

registerDefaultBackends();
const work = mkdtempSync(join(tmpdir(), 'tessera-bench-serve-'));
const dir = join(work, 'gpt');
mkdirSync(dir);
const params = modelFolder(dir);
const load0 = loadavg()[0];
const { child, base } = await startServer(dir);
try {
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'none', fetch: recordingFetch, maxRetries: 0, timeout: 600_000 });
  await phase(client, -1, true); // warm-up: JIT and the worker's first batches
  const serial: { sec: number; reqs: RequestTiming[] }[] = [];
  const parallel: { sec: number; reqs: RequestTiming[] }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    serial.push(await phase(client, r, false));
    parallel.push(await phase(client, r, true));
    console.log(`round ${r + 1}/${ROUNDS}: one at a time ${(N * TOKENS / serial[r].sec).toFixed(0)} tok/s, ${N} concurrent ${(N * TOKENS / parallel[r].sec).toFixed(0)} tok/s`);
  }
  const s = summarize(serial);
  const p = summarize(parallel);
  const res: ServeResults = {
    date: new Date().toISOString(), command: 'npm run bench:serve',
    machine: { cpu: cpus()[0]?.model.trim() ?? null, cores: cpus().length, loadAverage1m: { start: load0, end: loadavg()[0] } },
    model: { dim, nLayers, nHeads, vocab: VOCAB, params }, requests: N, tokens: TOKENS, rounds: ROUNDS,
    serial: s, concurrent: p, ratio: p.tokensPerSec / s.tokensPerSec, lost: 0,
  };
  mkdirSync(results, { recursive: true });
  writeFileAtomic(join(results, 'serve.json'), JSON.stringify(res, null, 2) + '\n');
  const md = renderServeReport(res);
  writeFileAtomic(join(results, 'serve.md'), md);
  writeFileAtomic(join(results, 'serve.svg'), serveChartSvg(res));
  console.log(md);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(work, { recursive: true, force: true });
}
