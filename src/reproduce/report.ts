// The report every reproduction writes: reports/<name>/report.md headed by the paper's claims with
// pass/fail, results.json with the same records, and SVG plots rendered from Vega-Lite specs.
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.ts';
import { renderSvg, type ChartSpec } from './plot.ts';

export type Cell = string | number;

/** One claim of the paper checked against a measurement. */
export interface Claim {
  readonly id: string;
  readonly claim: string;
  readonly paper: Cell;
  readonly measured: Cell;
  /** How close is close enough, in words ("exact", "±1 %", "within 1 day"). */
  readonly tolerance: string;
  readonly pass: boolean;
  /** Where in the paper the number comes from (table, figure, section). */
  readonly source?: string;
}

export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  readonly note?: string;
}

export interface Plot {
  /** File stem: the plot is written as <name>.svg. */
  readonly name: string;
  readonly title: string;
  readonly spec: ChartSpec;
}

export interface Report {
  readonly name: string;
  readonly title: string;
  /** Citation of the paper(s). */
  readonly paper: string;
  readonly summary: string;
  readonly claims: readonly Claim[];
  readonly tables: readonly Table[];
  readonly plots: readonly Plot[];
  /** Calibration constants, assumptions, what is not reproduced. */
  readonly notes: readonly string[];
}

/** Checks `measured` against `paper` with a relative tolerance (0 means exact). */
export function relClaim(base: Omit<Claim, 'pass' | 'tolerance'>, rel: number): Claim {
  const p = Number(base.paper);
  const m = Number(base.measured);
  const pass = rel === 0 ? p === m : Math.abs(m - p) <= rel * Math.abs(p) + 1e-12;
  return { ...base, tolerance: rel === 0 ? 'exact' : `±${+(rel * 100).toFixed(3)} %`, pass };
}

/** Checks `measured` against `paper` with an absolute tolerance in the claim's unit. */
export function absClaim(base: Omit<Claim, 'pass' | 'tolerance'>, abs: number, unit = ''): Claim {
  const pass = Math.abs(Number(base.measured) - Number(base.paper)) <= abs + 1e-12;
  return { ...base, tolerance: `±${abs}${unit ? ` ${unit}` : ''}`, pass };
}

export function reportPassed(r: Pick<Report, 'claims'>): boolean {
  return r.claims.every((c) => c.pass);
}

const esc = (c: Cell): string => String(c).replace(/\|/g, '\\|');

export function markdownTable(columns: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const head = `| ${columns.map(esc).join(' | ')} |\n|${columns.map(() => '---').join('|')}|`;
  return [head, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function renderMarkdown(r: Report): string {
  const passed = r.claims.filter((c) => c.pass).length;
  const out: string[] = [
    `# ${r.title}`, '', `Paper: ${r.paper}`, '', r.summary, '',
    `## Claims: ${passed} of ${r.claims.length} pass${passed === r.claims.length ? '' : ' — FAILED'}`, '',
    markdownTable(['', 'id', 'claim', 'paper', 'measured', 'tolerance', 'source'],
      r.claims.map((c) => [c.pass ? 'pass' : '**FAIL**', c.id, c.claim, c.paper, c.measured, c.tolerance, c.source ?? ''])),
  ];
  for (const t of r.tables) {
    out.push('', `## ${t.title}`, '', markdownTable(t.columns, t.rows));
    if (t.note) out.push('', t.note);
  }
  if (r.plots.length > 0) out.push('', '## Plots');
  for (const p of r.plots) out.push('', `![${p.title}](${p.name}.svg)`);
  if (r.notes.length > 0) out.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  return `${out.join('\n')}\n`;
}

/** Writes report.md, results.json and every plot under `dir`, each file atomically; returns the paths. */
export async function writeReport(dir: string, r: Report): Promise<string[]> {
  const files: string[] = [];
  for (const p of r.plots) {
    const path = join(dir, `${p.name}.svg`);
    writeFileAtomic(path, await renderSvg(p.spec));
    files.push(path);
  }
  const results = {
    name: r.name, title: r.title, paper: r.paper, pass: reportPassed(r),
    claims: r.claims, tables: r.tables, plots: r.plots.map((p) => `${p.name}.svg`), notes: r.notes,
  };
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileAtomic(join(dir, 'report.md'), renderMarkdown(r));
  files.push(join(dir, 'results.json'), join(dir, 'report.md'));
  return files;
}
