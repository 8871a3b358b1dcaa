// Runs code inside a sandbox (see sandbox-command.ts), with bubblewrap or, failing that, util-linux
// unshare. If neither works it refuses with an error that says how to get one; it never falls
// back to running unconfined.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CodeBlock } from '../code-blocks.ts';
import { fail } from '../../util/errors.ts';
import { runBlocks } from './block-runner.ts';
import { defaultInterpreters } from './languages.ts';
import { runProcess } from './run-process.ts';
import { SANDBOX_UID, sandboxCommand, WORKSPACE, type SandboxBackend, type SandboxLimits, type SandboxPaths } from './sandbox-command.ts';
import type { CodeExecutor, ExecuteOptions, ExecutionResult } from './types.ts';

export interface SandboxedExecutorOptions {
  readonly workDir?: string;
  readonly timeoutMs?: number;
  readonly maxOutputBytes?: number;
  readonly limits?: Partial<SandboxLimits>;
  /** `auto` (default) uses bubblewrap when it works, else unshare. */
  readonly backend?: 'auto' | SandboxBackend;
  /** Path of the bwrap binary; default `bwrap` on PATH. */
  readonly bwrap?: string;
}

export const defaultSandboxLimits: SandboxLimits = { cpuSeconds: 10, memoryBytes: 1024 * 1024 * 1024, maxProcesses: 32, maxFileBytes: 64 * 1024 * 1024 };

export interface SandboxProbe {
  readonly ok: boolean;
  readonly reason: string;
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** A private directory that the sandbox user can use. */
function sandboxDir(prefix: string, path?: string): string {
  const dir = resolve(path ?? mkdtempSync(join(tmpdir(), prefix)));
  mkdirSync(dir, { recursive: true });
  if (isRoot()) chownSync(dir, SANDBOX_UID, SANDBOX_UID);
  return dir;
}

const probes = new Map<string, SandboxProbe>();

/** Runs a trivial confined command once per backend and remembers whether it worked. */
export function probeSandbox(backend: SandboxBackend, bwrap = 'bwrap'): SandboxProbe {
  const key = `${backend}:${bwrap}`;
  const cached = probes.get(key);
  if (cached) return cached;
  const paths: SandboxPaths = { workDir: sandboxDir('tessera-probe-'), rootDir: sandboxDir('tessera-root-'), bwrap };
  const { command, args } = sandboxCommand(backend, paths, defaultSandboxLimits, '/bin/sh', ['-c', 'echo ok']);
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000, env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' } });
  const probe: SandboxProbe = r.error
    ? { ok: false, reason: `${backend}: cannot start '${command}': ${r.error.message}` }
    : r.status === 0 && r.stdout.trim() === 'ok'
      ? { ok: true, reason: `${backend} works` }
      : { ok: false, reason: `${backend} failed (exit ${r.status}): ${r.stderr.trim().slice(0, 300)}` };
  probes.set(key, probe);
  return probe;
}

export class SandboxedExecutor implements CodeExecutor {
  readonly name = 'sandboxed';
  readonly workDir: string;
  private readonly limits: SandboxLimits;
  private rootDir: string | undefined;

  constructor(private readonly options: SandboxedExecutorOptions = {}) {
    this.workDir = sandboxDir('tessera-sandbox-', options.workDir);
    this.limits = { ...defaultSandboxLimits, ...options.limits };
  }

  /** The backend that will be used, or an error naming why none can be. */
  backend(): SandboxBackend {
    const wanted = this.options.backend ?? 'auto';
    const candidates: SandboxBackend[] = wanted === 'auto' ? ['bwrap', 'unshare'] : [wanted];
    const reasons: string[] = [];
    for (const b of candidates) {
      const p = probeSandbox(b, this.options.bwrap);
      if (p.ok) return b;
      reasons.push(p.reason);
    }
    return fail('SandboxedExecutor', `no working sandbox, refusing to run code unconfined (${reasons.join('; ')}). Install bubblewrap (apt-get install -y bubblewrap; see scripts/setup-sandbox.sh) or enable unprivileged user namespaces, or pass an explicit LocalExecutor to opt out of isolation`);
  }

  async execute(blocks: readonly CodeBlock[], eo: ExecuteOptions = {}): Promise<ExecutionResult> {
    const backend = this.backend();
    if (isRoot()) chownSync(this.workDir, SANDBOX_UID, SANDBOX_UID);
    this.rootDir ??= sandboxDir('tessera-root-');
    const paths: SandboxPaths = { workDir: this.workDir, rootDir: this.rootDir, bwrap: this.options.bwrap ?? 'bwrap' };
    const maxOutputBytes = this.options.maxOutputBytes ?? 64 * 1024;
    const heapMb = Math.max(64, Math.floor(this.limits.memoryBytes / (1024 * 1024) / 2));
    return runBlocks(blocks, {
      workDir: this.workDir,
      interpreters: { ...defaultInterpreters(), sh: '/bin/sh' },
      nodeArgs: [`--max-old-space-size=${heapMb}`],
      timeoutMs: eo.timeoutMs ?? this.options.timeoutMs ?? 10_000,
      maxOutputBytes,
      onWritten: (path) => isRoot() && chownSync(path, SANDBOX_UID, SANDBOX_UID),
      launch: (p, timeoutMs, maxBytes) => {
        const c = sandboxCommand(backend, paths, this.limits, p.command, p.args.map((a) => (a.startsWith('block-') ? `${WORKSPACE}/${a}` : a)));
        return runProcess(c.command, c.args, { cwd: this.workDir, env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' }, timeoutMs, maxOutputBytes: maxBytes, signal: eo.signal });
      },
    });
  }
}
