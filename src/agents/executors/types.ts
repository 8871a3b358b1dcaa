// The executor contract: run code blocks in order in one working directory, stop at the first
// failure, and report the exit code and the (bounded) combined output.
import type { CodeBlock } from '../code-blocks.ts';

export interface ExecutionResult {
  readonly exitCode: number;
  readonly output: string;
  readonly timedOut: boolean;
  readonly truncated: boolean;
  /** Files left in the working directory (relative paths). */
  readonly artifacts: readonly string[];
}

export interface ExecuteOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface CodeExecutor {
  readonly name: string;
  readonly workDir: string;
  execute(blocks: readonly CodeBlock[], options?: ExecuteOptions): Promise<ExecutionResult>;
}
