// Human input sources: the terminal, or a fixed script (tests, batch runs).
import { createInterface } from 'node:readline/promises';
import { fail } from '../util/errors.ts';
import type { HumanInputRequest, HumanInputSource } from './agent.ts';

export function terminalInput(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): HumanInputSource {
  return async (r) => {
    const rl = createInterface({ input, output, terminal: false });
    try {
      return await rl.question(r.prompt);
    } finally {
      rl.close();
    }
  };
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
