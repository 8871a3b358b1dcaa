// Child process for the resume test: runs (or resumes) a 3-agent random-selection group chat
// checkpointed to SQLite, and prints the final transcript as JSON.
import { ConversableAgent } from '../../../src/agents/agent.ts';
import { GroupChat } from '../../../src/agents/group-chat.ts';
import { ScriptedModel } from '../../../src/agents/providers/scripted.ts';
import { SqliteStore } from '../../../src/agents/state/sqlite-store.ts';

const [dbPath, runId, mode, delay] = process.argv.slice(2);
const delayMs = Number(delay);
// Replies depend only on the request, so a resumed process answers exactly as the first one would.
const agents = ['alice', 'bob', 'carol'].map((name) => new ConversableAgent({
  name,
  model: new ScriptedModel((r) => `${name} #${r.messages.length}: after "${r.messages.at(-1)?.content.slice(0, 24)}"`, { name: `${name}-model`, delayMs }),
}));
const group = new GroupChat({ agents, speakerSelection: 'random', seed: 5, maxRound: 10 });
const store = new SqliteStore(dbPath);
const result = mode === 'resume' ? await group.resume(store.mustLoad(runId), { store }) : await group.run('alice', 'plan the trip', { runId, store });
store.close();
process.stdout.write(JSON.stringify({ transcript: result.transcript, stopReason: result.stopReason, usage: result.usage }));
