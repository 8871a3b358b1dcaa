// Builds the command line that confines one program: bubblewrap for namespaces (no network, own
// process tree, only /usr read-only plus the workspace read-write, empty environment) inside
// prlimit for CPU time, address space, process count and file size. As root, it first drops to
// `nobody` so the process-count limit applies and nothing inside runs with root's rights.
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SandboxLimits {
  readonly cpuSeconds: number;
  readonly memoryBytes: number;
  readonly maxProcesses: number;
  readonly maxFileBytes: number;
}

export const SANDBOX_UID = 65534;
export const WORKSPACE = '/workspace';

function countProcessesOf(uid: number): number {
  let n = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const m = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'));
      if (m && Number(m[1]) === uid) n++;
    } catch {
      // The process ended while we looked.
    }
  }
  return n;
}

function systemMounts(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const p of ['/bin', '/sbin', '/lib', '/lib64', '/lib32']) {
    if (!existsSync(p)) continue;
    if (lstatSync(p).isSymbolicLink()) args.push('--symlink', readlinkSync(p), p);
    else args.push('--ro-bind', p, p);
  }
  // A node installed outside /usr (nvm, /opt) must be visible too, read-only.
  const nodePrefix = dirname(dirname(process.execPath));
  if (!nodePrefix.startsWith('/usr') && nodePrefix !== '/') args.push('--ro-bind', nodePrefix, nodePrefix);
  return args;
}

export function sandboxCommand(bwrap: string, workDir: string, limits: SandboxLimits, program: string, args: readonly string[]): { command: string; args: string[] } {
  const isRoot = process.getuid?.() === 0;
  const uid = isRoot ? SANDBOX_UID : process.getuid?.() ?? SANDBOX_UID;
  // RLIMIT_NPROC counts every process of the user, so allow for the ones already running.
  const nproc = limits.maxProcesses + (isRoot ? countProcessesOf(SANDBOX_UID) : countProcessesOf(uid));
  const prlimit = [
    'prlimit', `--cpu=${limits.cpuSeconds}`, `--as=${limits.memoryBytes}`, `--nproc=${nproc}`, `--fsize=${limits.maxFileBytes}`, '--nofile=256', '--core=0', '--',
  ];
  const bw = [
    bwrap, '--unshare-all', '--die-with-parent', '--new-session', '--clearenv',
    ...systemMounts(),
    '--proc', '/proc', '--dev', '/dev',
    '--bind', workDir, WORKSPACE, '--chdir', WORKSPACE,
    '--setenv', 'PATH', '/usr/local/bin:/usr/bin:/bin', '--setenv', 'HOME', WORKSPACE, '--setenv', 'TMPDIR', WORKSPACE,
    '--setenv', 'LANG', 'C.UTF-8', '--setenv', 'PYTHONDONTWRITEBYTECODE', '1',
    '--', program, ...args,
  ];
  const full = isRoot ? ['setpriv', `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups', '--', ...prlimit, ...bw] : [...prlimit, ...bw];
  return { command: full[0], args: full.slice(1) };
}
