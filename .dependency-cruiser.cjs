// Layer order of ../shared/design/architecture.md: a layer never imports a higher one.
const layers = {
  util: 0, spec: 0, tensor: 1, envs: 1, backends: 2, nn: 3, tokenizers: 3,
  models: 4, transforms: 4, data: 4, generation: 5, distributed: 5, train: 6, rl: 7,
  serve: 8, agents: 8, reproduce: 9, cli: 9,
};
const names = Object.keys(layers);
const above = (n) => names.filter((m) => layers[m] > layers[n]);
const forbidden = names
  .filter((n) => above(n).length > 0)
  .map((n) => ({
    name: `layer-${n}`,
    comment: `${n} (L${layers[n]}) must not import a higher layer`,
    severity: 'error',
    from: { path: `^src/${n}/` },
    to: { path: `^src/(${above(n).join('|')})/` },
  }));
// agents/ and envs/ see only spec/ and util/ (and themselves).
for (const n of ['agents', 'envs']) {
  forbidden.push({
    name: `${n}-only-spec-util`,
    comment: `${n}/ may import only spec/ and util/`,
    severity: 'error',
    from: { path: `^src/${n}/` },
    to: { path: '^src/', pathNot: `^src/(spec|util|${n})/` },
  });
}
forbidden.push({
  name: 'spec-types-only',
  comment: 'spec/ holds types only and imports nothing but util/ and spec/',
  severity: 'error',
  from: { path: '^src/spec/' },
  to: { path: '^src/', pathNot: '^src/(spec|util)/' },
});
// Tensor methods alias the functional ops, so tensor/ is one strongly connected unit by design.
forbidden.push({
  name: 'no-circular',
  severity: 'error',
  from: { pathNot: '^src/tensor/' },
  to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
});
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
