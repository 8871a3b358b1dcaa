// Runs one command in its own process group with a wall-clock timeout (the whole group is
// killed), an output cap, and an abort signal. Shared by the local and sandboxed executors.
import { spawn } from 'node:child_process';
import { BoundedOutput } from './bounded-output.ts';

export interface ProcessOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly signal?: AbortSignal;
}

export interface ProcessResult {
  readonly exitCode: number;
  readonly output: string;
  readonly timedOut: boolean;
  readonly truncated: boolean;
}

export function runProcess(command: string, args: readonly string[], o: ProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const out = new BoundedOutput(o.maxOutputBytes);
    const child = spawn(command, args, { cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    let done = false;
    const killGroup = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, o.timeoutMs);
    const onAbort = (): void => killGroup();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => out.push(c));
    const finish = (code: number | null, sig: NodeJS.Signals | null, error?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      // A descendant that escaped the wait still holds the group: make sure it dies with us.
      killGroup();
      if (error) out.push(Buffer.from(`\n${error.message}\n`));
      const exitCode = timedOut ? 124 : code ?? (sig ? 128 + (signalNumbers[sig] ?? 1) : 1);
      resolve({ exitCode, output: out.text() + (timedOut ? `\n[timed out after ${o.timeoutMs} ms]` : ''), timedOut, truncated: out.truncated });
    };
    child.on('error', (e) => finish(127, null, e));
    child.on('close', (code, sig) => finish(code, sig));
  });
}

const signalNumbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15, SIGXCPU: 24, SIGXFSZ: 25 };
