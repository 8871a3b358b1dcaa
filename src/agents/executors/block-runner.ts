// The part of every executor that is not about isolation: write each block to a file, run the
// blocks in order, stop at the first failure, and list what was left in the working directory.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeBlock } from '../code-blocks.ts';
import type { ExecutionResult } from './types.ts';
import type { ProcessResult } from './run-process.ts';
import { prepareBlock, type Interpreters, type Prepared } from './languages.ts';

export interface BlockRunnerOptions {
  readonly workDir: string;
  readonly interpreters: Interpreters;
  readonly nodeArgs?: readonly string[];
  /** Runs one prepared block with what is left of the whole execution's time and output budgets. */
  readonly launch: (p: Prepared, timeoutMs: number, maxOutputBytes: number) => Promise<ProcessResult>;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly onWritten?: (path: string) => void;
}

export async function runBlocks(blocks: readonly CodeBlock[], o: BlockRunnerOptions): Promise<ExecutionResult> {
  const before = new Set(readdirSync(o.workDir));
  const outputs: string[] = [];
  let exitCode = 0;
  let timedOut = false;
  let truncated = false;
  const deadline = Date.now() + o.timeoutMs;
  for (const [i, block] of blocks.entries()) {
    const p = prepareBlock(block, i, o.interpreters, o.nodeArgs);
    const path = join(o.workDir, p.fileName);
    writeFileSync(path, p.source);
    o.onWritten?.(path);
    const used = outputs.reduce((n, x) => n + Buffer.byteLength(x), 0);
    const r = await o.launch(p, Math.max(1, deadline - Date.now()), Math.max(256, o.maxOutputBytes - used));
    outputs.push(r.output);
    truncated ||= r.truncated;
    if (r.exitCode !== 0) {
      exitCode = r.exitCode;
      timedOut = r.timedOut;
      break;
    }
  }
  const output = outputs.join('');
  const artifacts = readdirSync(o.workDir).filter((f) => !before.has(f) && !/^block-\d+\.(mjs|cjs|py|sh)$/.test(f) && !f.startsWith('.'));
  return { exitCode, output, timedOut, truncated, artifacts };
}
