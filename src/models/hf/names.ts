// Renaming between Tessera parameter names and a checkpoint's, by rules with placeholders:
// {n} is a layer index, {p} is weight|bias. A rule may transpose (GPT-2's Conv1D stores (in, out)).
export interface NameRule {
  ours: string;
  hf: string;
  transpose?: boolean;
}

export interface Renamed {
  name: string;
  transpose: boolean;
}

export interface NameMap {
  toHf(name: string): Renamed | null;
  fromHf(name: string): Renamed | null;
}

function compile(pattern: string): { re: RegExp; slots: string[] } {
  const slots: string[] = [];
  const src = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{(n|p)\\\}/g, (_, s: string) => {
    slots.push(s);
    return s === 'n' ? '(\\d+)' : '(weight|bias)';
  });
  return { re: new RegExp(`^${src}$`), slots };
}

function fill(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/\{(n|p)\}/g, (_, s: string) => values[s]);
}

export function nameMap(rules: readonly NameRule[]): NameMap {
  const compiled = rules.map((r) => ({ r, ours: compile(r.ours), hf: compile(r.hf) }));
  const apply = (name: string, from: 'ours' | 'hf'): Renamed | null => {
    for (const c of compiled) {
      const m = c[from].re.exec(name);
      if (!m) continue;
      const values: Record<string, string> = {};
      c[from].slots.forEach((s, i) => { values[s] = m[i + 1]; });
      return { name: fill(from === 'ours' ? c.r.hf : c.r.ours, values), transpose: c.r.transpose ?? false };
    }
    return null;
  };
  return { toHf: (n) => apply(n, 'ours'), fromHf: (n) => apply(n, 'hf') };
}
