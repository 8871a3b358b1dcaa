// Config files (JSON or YAML) + command-line overrides (`--set a.b=3` or `--a.b=3`), validated
// by a zod schema whose errors name the field, the expected form and the value given.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { check, fail } from './errors.ts';

export type ConfigObject = { [key: string]: unknown };

const isPlainObject = (v: unknown): v is ConfigObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a .json, .yaml or .yml file into a plain object. */
export function readConfigFile(path: string): ConfigObject {
  const ext = extname(path).toLowerCase();
  check(['.json', '.yaml', '.yml'].includes(ext), 'config', `file '${path}' must end in .json, .yaml or .yml`);
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { fail('config', `cannot read file '${path}'`); }
  let data: unknown;
  try {
    data = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    fail('config', `file '${path}' is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (data === null || data === undefined) return {};
  check(isPlainObject(data), 'config', `file '${path}' must hold a mapping of fields at the top level`);
  return data;
}

/**
 * A command-line value as the type it looks like: numbers, true/false, null, JSON arrays and
 * objects; anything else (or anything replacing a string) stays a string.
 */
export function coerceValue(raw: string, existing?: unknown): unknown {
  if (typeof existing === 'string') return raw;
  const t = raw.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (t !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (/^[[{]/.test(t)) {
    try { return JSON.parse(t) as unknown; } catch { fail('config', `override value '${raw}' looks like JSON but does not parse`); }
  }
  return raw;
}

/** Returns a copy of `config` with each `a.b.c=value` override set (creating missing objects). */
export function applyOverrides(config: ConfigObject, overrides: readonly string[]): ConfigObject {
  const out = structuredClone(config);
  for (const o of overrides) {
    const eq = o.indexOf('=');
    check(eq > 0, 'config', `override '${o}' must look like key.path=value`);
    const path = o.slice(0, eq).split('.');
    check(path.every((p) => p.length > 0), 'config', `override key '${o.slice(0, eq)}' must be dotted names like a.b.c`);
    let node = out;
    for (const [i, key] of path.slice(0, -1).entries()) {
      const next = node[key];
      if (next === undefined) node[key] = {};
      else check(isPlainObject(next), 'config', `override '${o}': '${path.slice(0, i + 1).join('.')}' is not an object`);
      node = node[key] as ConfigObject;
    }
    const last = path[path.length - 1]!;
    node[last] = coerceValue(o.slice(eq + 1), node[last]);
  }
  return out;
}

/**
 * Pulls overrides out of argv: `--set a.b=3`, `--set=a.b=3`, and dotted flags `--a.b=3` or
 * `--a.b 3`. Returns them and the other arguments, in order.
 */
export function extractOverrides(argv: readonly string[]): { overrides: string[]; rest: string[] } {
  const overrides: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--set') {
      const v = argv[++i];
      check(v !== undefined, 'config', '--set needs a value like a.b=3');
      overrides.push(v);
    } else if (a.startsWith('--set=')) {
      overrides.push(a.slice(6));
    } else if (/^--[A-Za-z_][\w-]*(\.[\w-]+)+(=|$)/.test(a)) {
      if (a.includes('=')) overrides.push(a.slice(2));
      else {
        const v = argv[++i];
        check(v !== undefined, 'config', `${a} needs a value`);
        overrides.push(`${a.slice(2)}=${v}`);
      }
    } else rest.push(a);
  }
  return { overrides, rest };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) v = isPlainObject(v) || Array.isArray(v) ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return `${s.length > 60 ? s.slice(0, 57) + '...' : s} (${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v})`;
}

/** Validates with the schema; every problem is listed as `field 'a.b': expected ..., got ...`. */
export function validateConfig<S extends z.ZodType>(schema: S, config: unknown, source = 'config'): z.output<S> {
  const r = schema.safeParse(config);
  if (r.success) return r.data;
  const lines = r.error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    if (issue.code === 'unrecognized_keys') {
      return `field '${field}': unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    }
    const got = valueAt(config, issue.path);
    let expected = issue.message.replace(/^Invalid input: /, '');
    if (issue.code === 'invalid_type') expected = `expected ${issue.expected}`;
    if (issue.code === 'invalid_value') expected = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    return `field '${field}': ${expected}, got ${describe(got)}`;
  });
  fail(source, `invalid config:\n  ${lines.join('\n  ')}`);
}

export interface LoadConfigOptions {
  /** JSON or YAML file; its fields override `defaults`. */
  readonly file?: string;
  /** `a.b=value` strings, applied after the file. */
  readonly overrides?: readonly string[];
  readonly defaults?: ConfigObject;
}

/** defaults <- file <- overrides, deep-merged, then validated. */
export function loadConfig<S extends z.ZodType>(schema: S, opts: LoadConfigOptions = {}): z.output<S> {
  let config = structuredClone(opts.defaults ?? {});
  if (opts.file) config = deepMerge(config, readConfigFile(opts.file));
  config = applyOverrides(config, opts.overrides ?? []);
  return validateConfig(schema, config, opts.file ? `config ${opts.file}` : 'config');
}

function deepMerge(base: ConfigObject, top: ConfigObject): ConfigObject {
  const out: ConfigObject = { ...base };
  for (const [k, v] of Object.entries(top)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}
