// `tessera agents run <team file>`: runs a two-agent or group chat described in JSON against an
// OpenAI-compatible endpoint, checkpointing every message so `--resume <run-id>` can continue it.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { terminalInput } from '../../agents/human-input.ts';
import { SqliteStore } from '../../agents/state/sqlite-store.ts';
import { buildTeam, loadTeamFile } from '../../agents/team-file.ts';
import { fail } from '../../util/errors.ts';
import type { Command } from '../command.ts';
import { cliTracer, dbPath, endpointHelp, endpointOptions, modelFromFlags } from './agents-common.ts';

const WHERE = 'agents run';

export const agentsRunCommand: Command = {
  name: 'agents run',
  summary: 'run a team of agents from a JSON team file',
  help: `Usage: tessera agents run <team.json> --base-url URL --model NAME [options]

Runs the conversation a team file describes. Every message is checkpointed to SQLite; a run that
was interrupted continues with --resume <run-id>. The trace goes to <runs-dir>/<run-id>/trace.jsonl.

Team file (JSON):
  { "kind": "chat" | "group",
    "agents": [{ "name": "coder", "role": "assistant" | "user_proxy" | "agent",
                 "system": "...", "description": "...", "executor": "sandboxed" | "local" | "none",
                 "humanInput": "ALWAYS" | "TERMINATE" | "NEVER", "maxAutoReply": 10 }, ...],
    "initiator": "user", "recipient": "coder", "message": "...", "maxTurns": 5,
    "group": { "speakerSelection": "auto" | "round_robin" | "random" | "manual", "maxRound": 10,
               "allowed": { "a": ["b"] }, "disallowed": {}, "allowRepeatSpeaker": true, "seed": 0 },
    "termination": { "textMention": "TERMINATE", "maxMessages": 20, "maxTokens": 20000,
                     "maxCost": 0.5, "timeoutMs": 600000 } }

Options:
${endpointHelp}
  --message TEXT        the opening message (overrides the file's)
  --run-id ID           id for a new run (default: random)
  --resume ID           continue run ID from its last checkpoint`,
  async run(argv) {
    const { values: v, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...endpointOptions, message: { type: 'string' }, 'run-id': { type: 'string' }, resume: { type: 'string' } },
    });
    if (positionals.length !== 1) fail(WHERE, `expected one team file, got ${positionals.length} arguments`);
    const spec = loadTeamFile(positionals[0]);
    const model = modelFromFlags(WHERE, v);
    const print = (s: string) => void process.stdout.write(s);
    const streaming = !v['no-stream'];
    const input = terminalInput();
    const store = new SqliteStore(dbPath(v));
    try {
      const team = buildTeam(spec, { model, humanInput: input, ...(streaming ? { onToken: (d: string) => print(d) } : {}) });
      const runId = v.resume ?? v['run-id'] ?? randomUUID();
      const { tracer, path } = cliTracer(v, runId, print, streaming);
      let result;
      if (v.resume) {
        result = await team.resume(store.mustLoad(v.resume), { store, tracer });
      } else {
        const message = v.message ?? spec.message ?? fail(WHERE, 'no opening message: pass --message or set "message" in the team file');
        result = await team.run(message, { runId, store, tracer });
      }
      print(`\nstop: ${result.stopReason}\nmessages: ${result.transcript.length}; tokens: ${result.usage.totalTokens} in ${result.modelCalls} model calls; cost: ${result.cost}\nrun: ${result.runId} (trace ${path}, checkpoints ${store.path})\n`);
      return 0;
    } finally {
      input.close();
      store.close();
    }
  },
};
