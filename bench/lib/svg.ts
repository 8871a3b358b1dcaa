// A small grouped bar chart in plain SVG (no dependency): one group per label, one bar per series.
export interface BarChart {
  title: string;
  yLabel: string;
  groups: string[];
  series: { name: string; color: string; values: (number | null)[] }[];
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function barChartSvg(c: BarChart): string {
  const W = 900, H = 420, left = 60, right = 20, top = 50, bottom = 90;
  const plotW = W - left - right, plotH = H - top - bottom;
  const max = Math.max(1, ...c.series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const step = 10 ** Math.floor(Math.log10(max));
  const yMax = Math.ceil(max / step) * step;
  const groupW = plotW / c.groups.length;
  const barW = (groupW * 0.8) / c.series.length;
  const y = (v: number): number => top + plotH - (v / yMax) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(c.title)}</text>`,
    `<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    out.push(`<line x1="${left}" x2="${W - right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${+v.toFixed(1)}</text>`);
  }
  c.groups.forEach((g, gi) => {
    const x0 = left + gi * groupW + groupW * 0.1;
    c.series.forEach((s, si) => {
      const v = s.values[gi];
      if (v === null) return;
      const x = x0 + si * barW;
      out.push(`<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + plotH - y(v)).toFixed(1)}" fill="${s.color}"><title>${esc(`${s.name} ${g}: ${v.toFixed(1)}`)}</title></rect>`,
        `<text x="${(x + barW / 2).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" text-anchor="middle" font-size="9">${v.toFixed(0)}</text>`);
    });
    out.push(`<text x="${left + gi * groupW + groupW / 2}" y="${top + plotH + 16}" text-anchor="middle">${esc(g)}</text>`);
  });
  c.series.forEach((s, si) => {
    const x = left + si * 170;
    out.push(`<rect x="${x}" y="${H - 30}" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${x + 16}" y="${H - 20}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
