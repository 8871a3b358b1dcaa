// A run folder runs/<id>/: config.json, metrics.jsonl, checkpoints/, loss.svg, samples.txt.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.ts';
import { fail } from '../util/errors.ts';

export interface RunPaths {
  readonly id: string;
  readonly dir: string;
  readonly config: string;
  readonly metrics: string;
  readonly checkpoints: string;
  readonly plot: string;
  readonly samples: string;
}

/** A sortable id from the clock: 20261130-111148-ab12 (time plus random suffix). */
export function newRunId(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const d = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const t = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${d}-${t}-${Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0')}`;
}

export function runPaths(root: string, id: string): RunPaths {
  if (!/^[\w.-]+$/.test(id)) fail('run', `run id '${id}' must use only letters, digits, '_', '-' and '.'`);
  const dir = join(root, id);
  return {
    id, dir,
    config: join(dir, 'config.json'),
    metrics: join(dir, 'metrics.jsonl'),
    checkpoints: join(dir, 'checkpoints'),
    plot: join(dir, 'loss.svg'),
    samples: join(dir, 'samples.txt'),
  };
}

export function createRun(paths: RunPaths, config: unknown): void {
  mkdirSync(paths.checkpoints, { recursive: true });
  writeFileAtomic(paths.config, JSON.stringify(config, null, 2) + '\n');
}

export function readRunConfig(paths: RunPaths): unknown {
  if (!existsSync(paths.config)) fail('run', `no run at ${paths.dir} (missing config.json)`);
  return JSON.parse(readFileSync(paths.config, 'utf8')) as unknown;
}

export type MetricRecord = { step: number; kind: string } & Record<string, number | string>;

/** Appends one JSON object per line. On resume, records after the checkpoint's step are dropped. */
export class MetricsLog {
  constructor(readonly path: string) {}

  append(rec: MetricRecord): void {
    appendFileSync(this.path, JSON.stringify(rec) + '\n');
  }

  read(): MetricRecord[] {
    if (!existsSync(this.path)) return [];
    // A crash can tear the last line; complete lines are kept.
    return readFileSync(this.path, 'utf8').split('\n').flatMap((l) => {
      try { return l.trim() ? [JSON.parse(l) as MetricRecord] : []; } catch { return []; }
    });
  }

  /** Keeps records with step <= `step` (what a resumed run will not redo). */
  truncateAfter(step: number): void {
    const keep = this.read().filter((r) => r.step <= step);
    writeFileAtomic(this.path, keep.map((r) => JSON.stringify(r) + '\n').join(''));
  }
}
