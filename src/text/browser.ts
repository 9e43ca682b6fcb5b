// nabla/text for browsers: the tokenizers, their JSON form, the train/validation split and the
// unigram baseline, without the file and corpus readers that need node:fs.
export {
  TokenIdError,
  UnknownCharacterError,
  type BpeTokenizerJSON,
  type CharTokenizerJSON,
  type Gpt2TokenizerJSON,
  type Tokenizer,
  type TokenizerJSON,
} from "./tokenizer.js";
export { CharTokenizer, type CharTokenizerOptions } from "./char.js";
export { BpeTokenizer, type BpeTrainOptions } from "./bpe.js";
export { END_OF_TEXT_ID, Gpt2Tokenizer, gpt2Tokenizer } from "./gpt2.js";
export { parseTokenizer, stringifyTokenizer, tokenizerFromJSON } from "./json.js";
export { preSplit, type PreSplit } from "./presplit.js";
export { wtf8Decode, wtf8Encode } from "./wtf8.js";
export { trainValSplit, unigramBaseline, type TrainValSplit, type UnigramOptions } from "./split.js";
export { SAMPLE_TEXT } from "./sample.js";
