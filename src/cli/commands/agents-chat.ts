// `tessera agents chat`: talk to a model-backed assistant from the terminal; the code it writes
// runs in the sandboxed executor (or a chosen one) and the output goes back to it.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { initiateChat } from '../../agents/chat.ts';
import { LocalExecutor } from '../../agents/executors/local.ts';
import { SandboxedExecutor } from '../../agents/executors/sandboxed.ts';
import { terminalInput } from '../../agents/human-input.ts';
import { AssistantAgent, UserProxyAgent } from '../../agents/roles.ts';
import { SqliteStore } from '../../agents/state/sqlite-store.ts';
import { fail } from '../../util/errors.ts';
import type { Command } from '../command.ts';
import { cliTracer, dbPath, endpointHelp, endpointOptions, modelFromFlags } from './agents-common.ts';

const WHERE = 'agents chat';

export const agentsChatCommand: Command = {
  name: 'agents chat',
  summary: 'chat with a model-backed assistant that can run code',
  help: `Usage: tessera agents chat --base-url URL --model NAME [options]

Starts a conversation between you (a user proxy) and an assistant backed by the model at
--base-url. Code blocks the assistant writes run in the executor and their output is sent back.
Type a reply, press Enter on an empty line to let the proxy reply automatically (run code), or
type 'exit' to stop. End of input also stops.

Options:
${endpointHelp}
  --message TEXT        the opening message (default: asked on the terminal)
  --system TEXT         the assistant's system message (default: the built-in code-writing one)
  --executor KIND       sandboxed (default), local (no isolation) or none
  --max-turns N         stop after N exchanges
  --human-input MODE    ALWAYS (default), TERMINATE or NEVER`,
  async run(argv) {
    const { values: v } = parseArgs({
      args: argv,
      options: {
        ...endpointOptions,
        message: { type: 'string' },
        system: { type: 'string' },
        executor: { type: 'string', default: 'sandboxed' },
        'max-turns': { type: 'string' },
        'human-input': { type: 'string', default: 'ALWAYS' },
      },
    });
    const model = modelFromFlags(WHERE, v);
    const mode = v['human-input'];
    if (mode !== 'ALWAYS' && mode !== 'TERMINATE' && mode !== 'NEVER') fail(WHERE, `--human-input must be ALWAYS, TERMINATE or NEVER, got '${mode}'`);
    const executor = v.executor === 'sandboxed' ? new SandboxedExecutor() : v.executor === 'local' ? new LocalExecutor() : v.executor === 'none' ? undefined : fail(WHERE, `--executor must be sandboxed, local or none, got '${v.executor}'`);
    const maxTurns = v['max-turns'] === undefined ? undefined : Number(v['max-turns']);
    if (maxTurns !== undefined && !(Number.isInteger(maxTurns) && maxTurns > 0)) fail(WHERE, `--max-turns must be a positive integer, got '${v['max-turns']}'`);
    const print = (s: string) => void process.stdout.write(s);
    const streaming = !v['no-stream'];
    const input = terminalInput();
    const store = new SqliteStore(dbPath(v));
    try {
      const message = v.message ?? (await input({ agent: 'user', sender: 'assistant', prompt: 'You: ', reason: 'always' }));
      if (message.trim() === '' || message.trim() === 'exit') return 0;
      const assistant = new AssistantAgent({ name: 'assistant', model, ...(v.system ? { systemMessage: v.system } : {}), ...(streaming ? { onToken: (d: string) => print(d) } : {}) });
      const user = new UserProxyAgent({ name: 'user', humanInputMode: mode, humanInput: input, executor });
      const runId = randomUUID();
      const { tracer, path } = cliTracer(v, runId, print, streaming);
      const r = await initiateChat(user, assistant, message, { runId, tracer, store, maxTurns });
      print(`\nstop: ${r.stopReason}\ntokens: ${r.usage.promptTokens} prompt + ${r.usage.completionTokens} completion in ${r.modelCalls} model calls\nrun: ${r.runId} (trace ${path})\n`);
      return 0;
    } finally {
      input.close();
      store.close();
    }
  },
};
