// An OpenAI-protocol server on loopback that replays a recorded conversation: it checks each
// request's last message against the recording (HTTP 400 on a mismatch or an extra request) and
// answers with the recorded completion, as JSON or as an SSE stream when the client asks.
import { readFileSync } from 'node:fs';
import { startFixtureServer, type FixtureServer } from './openai-server.ts';

interface Exchange {
  expectLastMessage: { role: string; content: string };
  response: { model: string; choices: { message: { content: string } }[]; usage: Record<string, number> };
}

export async function startReplayServer(fixturePath: string): Promise<FixtureServer> {
  const { exchanges } = JSON.parse(readFileSync(fixturePath, 'utf8')) as { exchanges: Exchange[] };
  return startFixtureServer((body, i) => {
    const ex = exchanges[i];
    if (!ex) return { status: 400, body: JSON.stringify({ error: { message: `unrecorded request #${i + 1}` } }) };
    const last = (body.messages as { role: string; content: string }[]).at(-1);
    if (last?.role !== ex.expectLastMessage.role || last.content !== ex.expectLastMessage.content) {
      return { status: 400, body: JSON.stringify({ error: { message: `request #${i + 1} differs from the recording: got ${JSON.stringify(last)}` } }) };
    }
    if (!body.stream) return { json: ex.response };
    const content = ex.response.choices[0].message.content;
    const pieces = content.match(/[\s\S]{1,7}/g) ?? [];
    const base = { id: 'chatcmpl-replay', object: 'chat.completion.chunk', model: ex.response.model };
    return {
      sse: [
        ...pieces.map((p) => ({ ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })),
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        { ...base, choices: [], usage: ex.response.usage },
        '[DONE]',
      ],
    };
  });
}
