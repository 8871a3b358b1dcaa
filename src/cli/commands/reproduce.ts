// `tessera reproduce <name>`: runs a paper's reproduction and writes reports/<name>/.
import { parseArgs } from 'node:util';
import { builtinReproductions } from '../../reproduce/register.ts';
import { runReproduction } from '../../reproduce/run.ts';
import type { Command } from '../command.ts';

const help = `Usage: tessera reproduce <name> [--quick] [--retrain] [--out DIR]
       tessera reproduce --list

Runs the named paper reproduction, writes DIR/<name>/report.md, results.json and SVG plots
(DIR defaults to reports), and exits non-zero if any of the paper's claims fails.

  --list       list the reproductions
  --quick      the short profile (what CI runs)
  --retrain    train the reproduction's models again instead of reusing the cached ones
               (.cache/reproduce/<name>/)
  --out DIR    report folder (default reports)`;

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: 'reproduce a paper\'s claims and write a report',
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { list: { type: 'boolean' }, quick: { type: 'boolean' }, retrain: { type: 'boolean' }, out: { type: 'string', default: 'reports' } } });
    const registry = builtinReproductions();
    if (values.list) {
      const all = registry.list();
      const w = Math.max(...all.map((r) => r.name.length));
      for (const r of all) console.log(`${r.name.padEnd(w)}  ${r.summary}`);
      return 0;
    }
    if (positionals.length !== 1) {
      console.error(`tessera reproduce: expected one reproduction name, got ${positionals.length}\n\n${help}`);
      return 2;
    }
    const rep = registry.get(positionals[0]!);
    const { report, files, passed } = await runReproduction(rep, { quick: values.quick === true, retrain: values.retrain === true, log: (l) => console.error(l), outRoot: values.out! });
    for (const c of report.claims) console.log(`${c.pass ? 'pass' : 'FAIL'}  ${c.id}: paper ${c.paper}, measured ${c.measured} (${c.tolerance})`);
    const n = report.claims.filter((c) => c.pass).length;
    console.log(`\n${n}/${report.claims.length} claims pass. Wrote ${files.length} files under ${values.out}/${rep.name}/`);
    return passed ? 0 : 1;
  },
};
