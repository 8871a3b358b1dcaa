// The HTTP thread's handle on the model worker: starts it (with the TypeScript loader), routes
// its token events to the requests that asked for them, and shuts it down.
import { Worker } from 'node:worker_threads';
import { fail } from '../util/errors.ts';
import type { DoneOut, FromWorker, ModelInfo, SubmitMessage, TokenOut, ToWorker } from './protocol.ts';
import type { WorkerConfig } from './worker.ts';

export interface RequestHandlers {
  onToken(t: TokenOut): void;
  onDone(d: DoneOut): void;
  onReject(status: number, message: string, param: string | null): void;
}

interface Pending {
  readonly handlers: RequestHandlers;
  remaining: number;
}

export class ModelWorker {
  private readonly pending = new Map<string, Pending>();

  private constructor(private readonly worker: Worker, readonly info: ModelInfo) {
    worker.on('message', (m: FromWorker) => this.dispatch(m));
    worker.on('error', (e) => this.failAll(`model worker crashed: ${e.message}`));
  }

  static start(cfg: WorkerConfig): Promise<ModelWorker> {
    const entry = new URL('./worker.ts', import.meta.url).href;
    // Worker threads do not inherit loader hooks, so the entry registers tsx before importing.
    const code = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(entry)});`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: cfg });
    return new Promise((resolve, reject) => {
      const onMsg = (m: FromWorker): void => {
        worker.off('message', onMsg);
        if (m.type === 'ready') resolve(new ModelWorker(worker, m.model));
        else { void worker.terminate(); reject(new Error(m.type === 'fatal' ? m.message : `serve: unexpected first message '${m.type}' from the model worker`)); }
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
  }

  /** Requests submitted and not yet finished. */
  get inFlight(): number {
    return this.pending.size;
  }

  submit(msg: SubmitMessage, handlers: RequestHandlers): void {
    if (this.pending.has(msg.id)) fail('serve', `request id ${msg.id} is already in flight`);
    this.pending.set(msg.id, { handlers, remaining: msg.n });
    this.send(msg);
  }

  cancel(id: string): void {
    if (this.pending.delete(id)) this.send({ type: 'cancel', id });
  }

  async close(): Promise<void> {
    this.send({ type: 'shutdown' });
    await this.worker.terminate();
  }

  private send(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  private dispatch(m: FromWorker): void {
    if (m.type === 'events') {
      for (const t of m.tokens) this.pending.get(t.id)?.handlers.onToken(t);
      for (const d of m.done) {
        const p = this.pending.get(d.id);
        if (!p) continue;
        if (--p.remaining === 0) this.pending.delete(d.id);
        p.handlers.onDone(d);
      }
    } else if (m.type === 'rejected') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.handlers.onReject(m.status, m.message, m.param);
    } else if (m.type === 'fatal') {
      this.failAll(`model worker failed: ${m.message}`);
    }
  }

  private failAll(message: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.handlers.onReject(500, message, null);
    }
  }
}
