// Runs one registered reproduction and writes its report under reports/<name>/.
import { join } from 'node:path';
import type { ReproduceOptions, Reproduction } from './registry.ts';
import { reportPassed, writeReport, type Report } from './report.ts';

export async function runReproduction(r: Reproduction, opts: ReproduceOptions & { readonly outRoot: string }): Promise<{ report: Report; files: string[]; passed: boolean }> {
  const report = await r.run(opts);
  const files = await writeReport(join(opts.outRoot, r.name), report);
  return { report, files, passed: reportPassed(report) };
}
