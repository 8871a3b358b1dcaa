export { loadCorpus, loadSotu, loadTextFiles, corpusStats, type Document, type LoadCorpusOptions } from './corpus.ts';
export { splitDocuments, splitHash, type SplitOptions } from './split.ts';
export { writeTokenFile, readTokenMeta, TokenFile, dtypeFor, sidecarPath, type TokenFileMeta, type TokenDtype } from './token-file.ts';
export { BatchSampler, counterUniform, sequentialBatches, type Batch, type SamplerState } from './sampler.ts';
export { bigramLoss, type BigramOptions } from './bigram.ts';
export { prepareData, type PrepareOptions, type PreparedData } from './prepare.ts';
