export { BpeTokenizer, type AddedToken, type BpeOptions, type EncodeOptions, type DecodeOptions } from './bpe.ts';
export { trainBpe, endOfText, chatTokens, countWords, learnMerges, type TrainBpeOptions, type TrainProgress } from './bpe-train.ts';
export { toTokenizerJson, fromTokenizerJson, saveTokenizer, loadTokenizer, fromGpt2Files } from './tokenizer-json.ts';
export { gpt2Pattern, byteToChar, byteOrder } from './byte-level.ts';
