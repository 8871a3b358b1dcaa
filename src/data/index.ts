export { loadCorpus, loadSotu, loadTextFiles, corpusStats, type Document, type LoadCorpusOptions } from './corpus.ts';
export { splitDocuments, splitHash, type SplitOptions } from './split.ts';
export { writeTokenFile, readTokenMeta, TokenFile, dtypeFor, sidecarPath, type TokenFileMeta, type TokenDtype } from './token-file.ts';
export { BatchSampler, counterUniform, sequentialBatches, type Batch, type SamplerState } from './sampler.ts';
export { bigramLoss, tuneBigram, tunedBigramLoss, bigramLabel, addKProb, kneserNeyProb, BigramCounts, defaultKGrid, defaultDiscountGrid, type BigramOptions, type BigramSmoothing, type TunedBigram, type TuneOptions } from './bigram.ts';
export { prepareData, type PrepareOptions, type PreparedData } from './prepare.ts';
