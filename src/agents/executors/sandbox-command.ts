// Builds the command line that confines one program, with bubblewrap or with util-linux's
// unshare: no network, own process tree, only /usr (read-only) and the workspace (read-write)
// visible, empty environment; inside prlimit for CPU time, address space, process count and file
// size. As root it first drops to `nobody` so the process-count limit applies and nothing inside
// runs with root's rights.
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SandboxLimits {
  readonly cpuSeconds: number;
  readonly memoryBytes: number;
  readonly maxProcesses: number;
  readonly maxFileBytes: number;
}

export type SandboxBackend = 'bwrap' | 'unshare';

export interface SandboxPaths {
  /** The host directory mounted read-write at /workspace. */
  readonly workDir: string;
  /** unshare only: an empty host directory to build the new root on. */
  readonly rootDir: string;
  /** bwrap only: the bwrap binary. */
  readonly bwrap: string;
}

export const SANDBOX_UID = 65534;
export const WORKSPACE = '/workspace';
const PATH = '/usr/local/bin:/usr/bin:/bin';
const ENV = { PATH, HOME: WORKSPACE, TMPDIR: WORKSPACE, LANG: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1' };

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

/** Top-level system directories: merged-/usr symlinks are recreated, real directories bound read-only. */
function systemDirs(): { path: string; link?: string }[] {
  return ['/bin', '/sbin', '/lib', '/lib32', '/lib64'].filter((p) => existsSync(p)).map((p) => (lstatSync(p).isSymbolicLink() ? { path: p, link: readlinkSync(p) } : { path: p }));
}

/** A node installed outside /usr (nvm, /opt) must be visible too, read-only. */
function nodePrefix(): string | undefined {
  const prefix = dirname(dirname(process.execPath));
  return prefix.startsWith('/usr') || prefix === '/' ? undefined : prefix;
}

function bwrapArgs(p: SandboxPaths): string[] {
  const mounts = ['--ro-bind', '/usr', '/usr'];
  for (const d of systemDirs()) mounts.push(...(d.link ? ['--symlink', d.link, d.path] : ['--ro-bind', d.path, d.path]));
  const np = nodePrefix();
  if (np) mounts.push('--ro-bind', np, np);
  return [
    p.bwrap, '--unshare-all', '--die-with-parent', '--new-session', '--clearenv', ...mounts,
    '--proc', '/proc', '--dev', '/dev', '--bind', p.workDir, WORKSPACE, '--chdir', WORKSPACE,
    ...Object.entries(ENV).flatMap(([k, v]) => ['--setenv', k, v]), '--',
  ];
}

// Runs as root of a fresh user namespace: builds a read-only tmpfs root holding /usr, the system
// links, a few devices, a private /proc and the workspace; pivots into it, detaches the old root,
// and runs the program with no capabilities and an empty environment.
const CONFINE = `set -eu
ws=$1; r=$2; np=$3; shift 3
mount -t tmpfs -o mode=0755 none "$r"
mkdir -p "$r/usr" "$r${WORKSPACE}" "$r/proc" "$r/dev" "$r/.old"
ro() { mkdir -p "$r$1"; mount --rbind "$1" "$r$1"; mount -o remount,bind,ro "$r$1"; }
ro /usr
[ -z "$np" ] || ro "$np"
for l in bin sbin lib lib32 lib64; do
  if [ -L "/$l" ]; then ln -s "$(readlink "/$l")" "$r/$l"; elif [ -d "/$l" ]; then ro "/$l"; fi
done
for d in null zero random urandom; do touch "$r/dev/$d"; mount --bind "/dev/$d" "$r/dev/$d"; done
mount --bind "$ws" "$r${WORKSPACE}"
mount -t proc proc "$r/proc"
mount -o remount,bind,ro "$r"
cd "$r"
pivot_root . .old
umount -l /.old
cd ${WORKSPACE}
# Not exec: this shell stays as the namespace's init so a signal death comes back as 128+n.
/usr/bin/setpriv --no-new-privs --inh-caps=-all --ambient-caps=-all --bounding-set=-all -- /usr/bin/env -i ${Object.entries(ENV).map(([k, v]) => `${k}=${v}`).join(' ')} "$@"`;

function unshareArgs(p: SandboxPaths): string[] {
  return [
    'unshare', '--user', '--map-root-user', '--mount', '--pid', '--fork', '--kill-child', '--net', '--ipc', '--uts', '--',
    '/bin/sh', '-c', CONFINE, 'confine', p.workDir, p.rootDir, nodePrefix() ?? '',
  ];
}

export function sandboxCommand(backend: SandboxBackend, paths: SandboxPaths, limits: SandboxLimits, program: string, args: readonly string[]): { command: string; args: string[] } {
  const isRoot = process.getuid?.() === 0;
  const uid = isRoot ? SANDBOX_UID : process.getuid?.() ?? SANDBOX_UID;
  // RLIMIT_NPROC counts every process of the user, so allow for the ones already running.
  const nproc = limits.maxProcesses + countProcessesOf(uid);
  const prlimit = ['prlimit', `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`, `--as=${limits.memoryBytes}`, `--nproc=${nproc}`, `--fsize=${limits.maxFileBytes}`, '--nofile=256', '--core=0', '--'];
  const confine = backend === 'bwrap' ? bwrapArgs(paths) : unshareArgs(paths);
  const drop = isRoot ? ['setpriv', `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups', '--'] : [];
  const full = [...drop, ...prlimit, ...confine, program, ...args];
  return { command: full[0], args: full.slice(1) };
}
