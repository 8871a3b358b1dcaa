// ZeRO's Table 1 (model-state memory per device) and Table 2 (largest trainable model) from the
// planner's memory model.
import { modelStateBytes, parseSharding, zeroSharding } from '../../distributed/planner/index.ts';
import { loadPaperData } from '../data.ts';
import type { Claim, Table } from '../report.ts';

interface Table1 { models: Record<string, number>; columns: string[]; rows: { nd: number; gb: number[] }[]; figure1: { source: string; psi: number; nd: number; gb: number[] } }
interface Table2 { deviceMemoryGB: number; rows: { mp: number; gpus: number; theoretical: number[]; measured: number[] }[] }

/** Model-state bytes per device under ZeRO stage `stage` in mixed precision (K = 12), model parallel `mp`. */
export function zeroStateBytes(psi: number, stage: number, nd: number, mp = 1): number {
  const r = modelStateBytes({ psi: psi / mp, trainable: psi / mp, sharding: parseSharding(zeroSharding(stage)), dp: { n: nd, m: nd }, precision: 'mixed', offloadOptimizer: false, offloadParams: false });
  return r.parameters + r.gradients + r.optimizer;
}

/** The paper's display rule: ≥ 100 truncated, [2, 100) one decimal half-up, < 2 two decimals. */
export function zeroDisplay(gb: number): number {
  if (gb >= 100) return Math.floor(gb + 1e-9);
  const d = gb >= 2 ? 10 : 100;
  return Math.floor(gb * d + 0.5 + 1e-9) / d;
}

/** Largest Ψ whose model states fit `memory` bytes per device, by bisection on the memory model. */
export function maxModelSize(memory: number, stage: number, nd: number, mp: number): number {
  let lo = 0;
  let hi = 1e15;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (zeroStateBytes(mid, stage, nd, mp) <= memory) lo = mid; else hi = mid;
  }
  return lo;
}

export function zeroClaims(): { claims: Claim[]; tables: Table[]; memoryRows: { nd: number; series: string; gb: number }[] } {
  const t1 = loadPaperData<Table1>('zero-table1.json');
  const models = Object.entries(t1.models);
  let equal = 0;
  const rows: (string | number)[][] = [];
  const memoryRows: { nd: number; series: string; gb: number }[] = [];
  for (const row of t1.rows) {
    const cells: (string | number)[] = [row.nd];
    models.forEach(([name, psi], mi) => {
      for (let stage = 1; stage <= 3; stage++) {
        const gb = zeroStateBytes(psi, stage, row.nd) / 1e9;
        const shown = zeroDisplay(gb);
        const paper = row.gb[mi * 3 + stage - 1]!;
        if (shown === paper) equal++;
        cells.push(shown === paper ? `${shown}` : `${shown} (paper ${paper})`);
        memoryRows.push({ nd: row.nd, series: `${name} ${t1.columns[mi * 3 + stage - 1]!.split(' ')[1]}`, gb });
      }
    });
    rows.push(cells);
  }
  const cellsTotal = t1.rows.length * 9;
  const f1 = t1.figure1;
  const fig = [0, 1, 2, 3].map((s) => Math.round(zeroStateBytes(f1.psi, s, f1.nd) / 1e8) / 10);
  const claims: Claim[] = [
    { id: 'zero-fig1', claim: '7.5B at N_d = 64: baseline / P_os / P_os+g / P_os+g+p GB', paper: f1.gb.join(' / '), measured: fig.join(' / '), tolerance: 'exact (one decimal)', pass: fig.every((v, i) => v === f1.gb[i]), source: 'ZeRO Fig. 1' },
    { id: 'zero-table1', claim: 'model-state memory per device, all cells after the display rule', paper: `${cellsTotal} cells`, measured: `${equal}/${cellsTotal} equal`, tolerance: 'exact', pass: equal === cellsTotal, source: 'ZeRO Table 1' },
  ];

  const t2 = loadPaperData<Table2>('zero-table2.json');
  const rows2: (string | number)[][] = [];
  let worst = 0;
  let allPass = true;
  for (const row of t2.rows) {
    const cells: (string | number)[] = [row.mp, row.gpus];
    row.theoretical.forEach((paper, stage) => {
      const b = maxModelSize(t2.deviceMemoryGB * 1e9, stage, 64, row.mp) / 1e9;
      const rel = Math.abs(b - paper) / paper;
      // 0.5T, 1T and 2T are printed to one significant digit in trillions.
      const printedInT = paper >= 500;
      const ok = rel <= 0.01 || (printedInT && Number((b / 1000).toPrecision(1)) === paper / 1000);
      if (!printedInT) worst = Math.max(worst, rel);
      allPass &&= ok;
      cells.push(`${b.toFixed(2)} (paper ${paper})`);
    });
    rows2.push(cells);
  }
  claims.push({ id: 'zero-table2', claim: 'largest model on 32 GB V100s, theoretical columns (billions)', paper: '20 cells', measured: `worst ${(worst * 100).toFixed(2)} % off; 0.5T/1T/2T cells = 512/1024/2048B`, tolerance: '±1 % (T cells: equal at one significant digit)', pass: allPass, source: 'ZeRO Table 2' });
  return {
    claims,
    memoryRows,
    tables: [
      { title: 'ZeRO Table 1: model-state memory per device (GB), planner vs paper', columns: ['N_d', ...t1.columns], rows, note: t1.source },
      { title: 'ZeRO Table 2: largest trainable model (billions of parameters), planner vs paper', columns: ['MP', 'GPUs', 'baseline', 'P_os', 'P_os+g', 'P_os+g+p'], rows: rows2, note: `${t2.source}. The paper scales the rounded MP = 1 values, hence ≤ 0.6 % gaps.` },
    ],
  };
}
