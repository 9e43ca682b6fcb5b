// nabla/text: tokenizers (character-level, trainable byte-level BPE, GPT-2's), saved as JSON, and
// the default corpus for language models. `import { CharTokenizer, loadDefaultCorpus } from "nabla/text"`.
export * from "./browser.js";
export { loadTokenizer, saveTokenizer } from "./files.js";
export { DEFAULT_CORPUS, defaultCorpusPath, loadDefaultCorpus, type CorpusInfo } from "./corpus.js";
