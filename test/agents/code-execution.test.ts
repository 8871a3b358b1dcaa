import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { extractCodeBlocks } from '../../src/agents/code-blocks.ts';
import { ConversableAgent, defaultTermination } from '../../src/agents/agent.ts';
import { initiateChat } from '../../src/agents/chat.ts';
import { LocalExecutor } from '../../src/agents/executors/local.ts';
import { BoundedOutput } from '../../src/agents/executors/bounded-output.ts';
import { ScriptedModel } from '../../src/agents/providers/scripted.ts';

const quiet = { warn: () => {} };

function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  // A killed orphan may linger as a zombie until its reaper runs.
  return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

test('code blocks: tags are normalised, untagged blocks guessed, other tags skipped', () => {
  const text = 'a\n```py\nprint(1)\n```\nb\n```text\nnot code\n```\n```\nconsole.log(2);\n```\n```TypeScript\nlet x: number = 1\n```';
  assert.deepEqual(extractCodeBlocks(text), [
    { language: 'python', code: 'print(1)\n' },
    { language: 'javascript', code: 'console.log(2);\n' },
    { language: 'typescript', code: 'let x: number = 1\n' },
  ]);
});

test('code results are fed back to the model, which then answers', async () => {
  const model = new ScriptedModel(['Let me compute.\n```python\nprint(6 * 7)\n```', 'The answer is 42. TERMINATE']);
  const assistant = new ConversableAgent({ name: 'assistant', model });
  const proxy = new ConversableAgent({ name: 'proxy', executor: new LocalExecutor(quiet), isTerminationMsg: defaultTermination });
  const r = await initiateChat(proxy, assistant, 'What is 6 times 7?');
  assert.equal(r.transcript[2].message.content, 'exitcode: 0 (execution succeeded)\nCode output:\n42\n');
  assert.equal(model.calls[1].messages.at(-1)?.content, 'exitcode: 0 (execution succeeded)\nCode output:\n42\n');
  assert.equal(r.summary, 'The answer is 42.');
  assert.equal(r.transcript.length, 4);
});

test('local executor: blocks run in order in one directory and stop at the first failure', async () => {
  const ex = new LocalExecutor(quiet);
  const r = await ex.execute([
    { language: 'python', code: 'open("n.txt", "w").write("5")\nprint("wrote")' },
    { language: 'javascript', code: 'const fs = require("fs"); console.log(Number(fs.readFileSync("n.txt", "utf8")) * 2); process.exit(3);' },
    { language: 'sh', code: 'echo never' },
  ]);
  assert.equal(r.exitCode, 3);
  assert.equal(r.output, 'wrote\n10\n');
  assert.deepEqual(r.artifacts, ['n.txt']);
  const ts = await ex.execute([{ language: 'typescript', code: 'const f = (n: number): number => n * n;\nconsole.log(f(12));' }]);
  assert.deepEqual([ts.exitCode, ts.output], [0, '144\n']);
});

test('local executor: a timeout kills the whole process tree', async () => {
  const ex = new LocalExecutor({ ...quiet, timeoutMs: 800 });
  const t0 = Date.now();
  const r = await ex.execute([{ language: 'sh', code: 'sleep 30 &\necho $! > child.pid\nwait' }]);
  assert.equal(r.timedOut, true);
  assert.equal(r.exitCode, 124);
  assert.ok(Date.now() - t0 < 5000);
  const pid = Number(readFileSync(`${ex.workDir}/child.pid`, 'utf8'));
  await new Promise((ok) => setTimeout(ok, 100));
  assert.equal(isDead(pid), true);
});

test('local executor: output past the limit is truncated, keeping head and tail', async () => {
  const ex = new LocalExecutor({ ...quiet, maxOutputBytes: 1000 });
  const r = await ex.execute([{ language: 'python', code: 'import sys\nsys.stdout.write("H" * 600)\nfor i in range(20000): sys.stdout.write("x" * 100)\nsys.stdout.write("T" * 600)' }]);
  assert.equal(r.truncated, true);
  assert.equal(r.exitCode, 0);
  const [head, tail] = r.output.split(/\n\[\.\.\. \d+ bytes elided \.\.\.\]\n/);
  assert.equal(head, 'H'.repeat(500));
  assert.equal(tail, 'T'.repeat(500));
  // 600 + 2,000,000 + 600 bytes written, 1000 kept
  assert.match(r.output, /\[\.\.\. 2000200 bytes elided \.\.\.\]/);
});

test('bounded output never holds more than its cap', () => {
  const b = new BoundedOutput(64);
  for (let i = 0; i < 1000; i++) {
    b.push(Buffer.from(`line ${i}\n`));
    assert.ok(b.heldBytes <= 64);
  }
  assert.ok(b.text().endsWith('line 999\n'));
  assert.ok(b.text().startsWith('line 0\nline 1\n'));
});

test('code approval: a refusal runs nothing and tells the model; an edit runs the edited blocks', async () => {
  const ask = (approve: ConversableAgent['options']['approveCode']) => {
    const model = new ScriptedModel(['```sh\necho hacked > pwned.txt\n```', 'ok TERMINATE']);
    const assistant = new ConversableAgent({ name: 'assistant', model });
    const executor = new LocalExecutor(quiet);
    const proxy = new ConversableAgent({ name: 'proxy', executor, approveCode: approve, isTerminationMsg: defaultTermination });
    return { run: initiateChat(proxy, assistant, 'go'), executor };
  };
  const refused = ask(async () => false);
  const r1 = await refused.run;
  assert.equal(r1.transcript[2].message.content, 'exitcode: 1 (execution not approved)\nThe code was not run: the reviewer did not approve it.');
  assert.deepEqual(readdirSync(refused.executor.workDir), []);
  const edited = ask(async () => [{ language: 'sh', code: 'echo safe' }]);
  const r2 = await edited.run;
  assert.equal(r2.transcript[2].message.content, 'exitcode: 0 (execution succeeded)\nCode output:\nsafe\n');
});
