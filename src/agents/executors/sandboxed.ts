// Runs code inside a sandbox (see sandbox-command.ts). If no working sandbox exists it refuses
// with an error that says how to get one; it never falls back to running unconfined.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CodeBlock } from '../code-blocks.ts';
import { fail } from '../../util/errors.ts';
import { runBlocks } from './block-runner.ts';
import { defaultInterpreters } from './languages.ts';
import { runProcess } from './run-process.ts';
import { SANDBOX_UID, sandboxCommand, WORKSPACE, type SandboxLimits } from './sandbox-command.ts';
import type { CodeExecutor, ExecuteOptions, ExecutionResult } from './types.ts';

export interface SandboxedExecutorOptions {
  readonly workDir?: string;
  readonly timeoutMs?: number;
  readonly maxOutputBytes?: number;
  readonly limits?: Partial<SandboxLimits>;
  /** Path of the bwrap binary; default `bwrap` on PATH. */
  readonly bwrap?: string;
}

export const defaultSandboxLimits: SandboxLimits = { cpuSeconds: 10, memoryBytes: 1024 * 1024 * 1024, maxProcesses: 32, maxFileBytes: 64 * 1024 * 1024 };

export interface SandboxProbe {
  readonly ok: boolean;
  readonly reason: string;
}

const probes = new Map<string, SandboxProbe>();

/** Tries a trivial confined command once per bwrap path and remembers the answer. */
export function probeSandbox(bwrap = 'bwrap'): SandboxProbe {
  const cached = probes.get(bwrap);
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'tessera-probe-'));
  if (process.getuid?.() === 0) chownSync(dir, SANDBOX_UID, SANDBOX_UID);
  const { command, args } = sandboxCommand(bwrap, dir, defaultSandboxLimits, '/bin/sh', ['-c', 'echo ok']);
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  const probe: SandboxProbe = r.error
    ? { ok: false, reason: `cannot start '${command}': ${r.error.message}` }
    : r.status === 0 && r.stdout.trim() === 'ok'
      ? { ok: true, reason: 'bubblewrap works' }
      : { ok: false, reason: `'${bwrap}' failed (exit ${r.status}): ${r.stderr.trim().slice(0, 300)}` };
  probes.set(bwrap, probe);
  return probe;
}

export class SandboxedExecutor implements CodeExecutor {
  readonly name = 'sandboxed';
  readonly workDir: string;
  private readonly limits: SandboxLimits;

  constructor(private readonly options: SandboxedExecutorOptions = {}) {
    this.workDir = resolve(options.workDir ?? mkdtempSync(join(tmpdir(), 'tessera-sandbox-')));
    mkdirSync(this.workDir, { recursive: true });
    this.limits = { ...defaultSandboxLimits, ...options.limits };
  }

  async execute(blocks: readonly CodeBlock[], eo: ExecuteOptions = {}): Promise<ExecutionResult> {
    const bwrap = this.options.bwrap ?? 'bwrap';
    const probe = probeSandbox(bwrap);
    if (!probe.ok) {
      fail('SandboxedExecutor', `no working sandbox, refusing to run code unconfined: ${probe.reason}. Install bubblewrap (apt-get install -y bubblewrap; see scripts/setup-sandbox.sh) or pass an explicit LocalExecutor to opt out of isolation`);
    }
    const isRoot = process.getuid?.() === 0;
    if (isRoot) chownSync(this.workDir, SANDBOX_UID, SANDBOX_UID);
    const maxOutputBytes = this.options.maxOutputBytes ?? 64 * 1024;
    const heapMb = Math.max(64, Math.floor(this.limits.memoryBytes / (1024 * 1024) / 2));
    return runBlocks(blocks, {
      workDir: this.workDir,
      interpreters: { ...defaultInterpreters(), sh: '/bin/sh' },
      nodeArgs: [`--max-old-space-size=${heapMb}`],
      timeoutMs: eo.timeoutMs ?? this.options.timeoutMs ?? 10_000,
      maxOutputBytes,
      onWritten: (path) => isRoot && chownSync(path, SANDBOX_UID, SANDBOX_UID),
      launch: (p, timeoutMs, maxBytes) => {
        const c = sandboxCommand(bwrap, this.workDir, this.limits, p.command, p.args.map((a) => (a.startsWith('block-') ? `${WORKSPACE}/${a}` : a)));
        return runProcess(c.command, c.args, { cwd: this.workDir, env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' }, timeoutMs, maxOutputBytes: maxBytes, signal: eo.signal });
      },
    });
  }
}
