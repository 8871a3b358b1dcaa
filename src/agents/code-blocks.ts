// Fenced code blocks in a model's message: ```lang ... ```. Untagged blocks get a language from
// a small heuristic so a model that forgets the tag still gets its code run.
export interface CodeBlock {
  readonly language: string;
  readonly code: string;
}

const ALIASES: Record<string, string> = {
  js: 'javascript', javascript: 'javascript', mjs: 'javascript', node: 'javascript',
  ts: 'typescript', typescript: 'typescript',
  py: 'python', python: 'python', python3: 'python',
  sh: 'sh', bash: 'sh', shell: 'sh', console: 'sh',
};

export function normalizeLanguage(tag: string): string | undefined {
  return ALIASES[tag.trim().toLowerCase()];
}

function guessLanguage(code: string): string {
  if (/^\s*(def |import \w+$|from \w+ import|print\()/m.test(code) && !/console\.log|;\s*$/m.test(code)) return 'python';
  if (/console\.log|\bconst |\blet |=>/.test(code)) return 'javascript';
  if (/^\s*(echo|ls|cat|cd|export) /m.test(code)) return 'sh';
  return 'python';
}

/** Blocks in order; a block whose tag is not a runnable language is skipped. */
export function extractCodeBlocks(text: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const re = /```([^\n`]*)\n([\s\S]*?)```/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const tag = m[1].trim().split(/\s+/)[0] ?? '';
    const code = m[2];
    const language = tag === '' ? guessLanguage(code) : normalizeLanguage(tag);
    if (language) out.push({ language, code });
  }
  return out;
}
