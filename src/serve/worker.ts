// The model worker thread: loads the model folder and runs the continuous-batching scheduler, so
// the HTTP thread's event loop stays free (/health answers during generation).
import { parentPort, workerData } from 'node:worker_threads';
import { registerDefaultBackends } from '../backends/register.ts';
import { loadModelDir } from './model-dir.ts';
import { Scheduler } from './scheduler.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

export interface WorkerConfig {
  readonly dir: string;
  readonly name?: string;
  readonly slots: number;
}

function post(m: FromWorker): void {
  parentPort!.postMessage(m);
}

function start(cfg: WorkerConfig): void {
  registerDefaultBackends();
  const served = loadModelDir(cfg.dir, cfg.name);
  const tok = served.tokenizer;
  const scheduler = new Scheduler(served.model, {
    encode: (t) => tok.encode(t), decode: (ids) => tok.decode(ids), stopTokens: served.stopTokens,
  }, cfg.slots);
  let looping = false;
  const loop = (): void => {
    try {
      const out = scheduler.step();
      if (out.tokens.length || out.done.length) post({ type: 'events', tokens: out.tokens, done: out.done });
    } catch (e) {
      post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
      return;
    }
    // setImmediate lets queued messages (new requests, cancellations) in between decode steps.
    if (scheduler.busy) setImmediate(loop);
    else looping = false;
  };
  parentPort!.on('message', (m: ToWorker) => {
    if (m.type === 'submit') {
      const r = scheduler.submit(m);
      if (r) post({ type: 'rejected', id: m.id, ...r });
    } else if (m.type === 'cancel') {
      scheduler.cancel(m.id);
    } else {
      parentPort!.close();
      return;
    }
    if (!looping && scheduler.busy) { looping = true; setImmediate(loop); }
  });
  const c = served.model.config;
  post({ type: 'ready', model: { name: served.name, vocabSize: c.vocabSize, contextLength: c.contextLength, slots: cfg.slots } });
}

try {
  start(workerData as WorkerConfig);
} catch (e) {
  post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
}
