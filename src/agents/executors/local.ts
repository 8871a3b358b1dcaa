// Runs code as a plain child process: timeout (whole process group killed), output cap, working
// directory and a minimal environment, but no isolation. Opt-in only; it warns on every run.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CodeBlock } from '../code-blocks.ts';
import { runBlocks } from './block-runner.ts';
import { defaultInterpreters } from './languages.ts';
import { runProcess } from './run-process.ts';
import type { CodeExecutor, ExecuteOptions, ExecutionResult } from './types.ts';

export interface LocalExecutorOptions {
  readonly workDir?: string;
  readonly timeoutMs?: number;
  readonly maxOutputBytes?: number;
  /** Extra environment variables; the parent's environment is not passed through. */
  readonly env?: Readonly<Record<string, string>>;
  /** Called before every run; defaults to a line on stderr. */
  readonly warn?: (message: string) => void;
}

export class LocalExecutor implements CodeExecutor {
  readonly name = 'local';
  readonly workDir: string;

  constructor(private readonly options: LocalExecutorOptions = {}) {
    this.workDir = resolve(options.workDir ?? mkdtempSync(join(tmpdir(), 'tessera-exec-')));
    mkdirSync(this.workDir, { recursive: true });
  }

  async execute(blocks: readonly CodeBlock[], eo: ExecuteOptions = {}): Promise<ExecutionResult> {
    (this.options.warn ?? ((m: string) => process.stderr.write(`${m}\n`)))(`LocalExecutor: running ${blocks.length} block(s) WITHOUT a sandbox in ${this.workDir}`);
    const maxOutputBytes = this.options.maxOutputBytes ?? 64 * 1024;
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.workDir, LANG: 'C.UTF-8', ...this.options.env };
    return runBlocks(blocks, {
      workDir: this.workDir,
      interpreters: defaultInterpreters(),
      timeoutMs: eo.timeoutMs ?? this.options.timeoutMs ?? 10_000,
      maxOutputBytes,
      launch: (p, timeoutMs, maxBytes) => runProcess(p.command, p.args, { cwd: this.workDir, env, timeoutMs, maxOutputBytes: maxBytes, signal: eo.signal }),
    });
  }
}
