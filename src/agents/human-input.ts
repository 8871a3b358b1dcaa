// Human input sources: the terminal, or a fixed script (tests, batch runs).
import { createInterface } from 'node:readline';
import { fail } from '../util/errors.ts';
import type { HumanInputRequest, HumanInputSource } from './agent.ts';

/** Reads answers line by line from a stream (the terminal by default); end of input answers 'exit'. */
export function terminalInput(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): HumanInputSource & { close(): void } {
  // One reader for the whole session: a reader per question would drop lines already buffered.
  const rl = createInterface({ input, terminal: false });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let closed = false;
  rl.on('line', (l) => (waiting.length ? waiting.shift()!(l) : lines.push(l)));
  rl.on('close', () => {
    closed = true;
    for (const w of waiting.splice(0)) w('exit');
  });
  const source = async (r: HumanInputRequest): Promise<string> => {
    output.write(r.prompt);
    if (lines.length) return lines.shift()!;
    if (closed) return 'exit';
    return new Promise((ok) => waiting.push(ok));
  };
  return Object.assign(source, { close: () => rl.close() });
}

/** Answers from a list in order and keeps every request; running out is an error. */
export function scriptedInput(answers: readonly string[]): HumanInputSource & { readonly requests: HumanInputRequest[] } {
  const requests: HumanInputRequest[] = [];
  const source = async (r: HumanInputRequest): Promise<string> => {
    requests.push(r);
    const a = answers[requests.length - 1];
    if (a === undefined) fail('scriptedInput', `request #${requests.length} from ${r.agent} is past the ${answers.length} scripted answers`);
    return a;
  };
  return Object.assign(source, { requests });
}

/**
 * Thrown by a human-input source to suspend the run instead of blocking: the run resolves with
 * status `awaiting_input` and a snapshot, to be resumed (in any process) once the person answers.
 */
export class AwaitingInput extends Error {
  constructor(readonly request: HumanInputRequest) {
    super(`${request.agent}: waiting for human input`);
    this.name = 'AwaitingInput';
  }
}

/** A source that always suspends: for servers, where no process should wait for a person. */
export const suspendingInput: HumanInputSource = async (r) => {
  throw new AwaitingInput(r);
};

/** Answers `input` to the first request, then defers to `next` (by default, suspends again). */
export function answerOnce(input: string, next: HumanInputSource = suspendingInput): HumanInputSource {
  let used = false;
  return async (r) => {
    if (used) return next(r);
    used = true;
    return input;
  };
}
