// The explorer's picture of the graph: micrograd's drawGraph (DOT) laid out by Graphviz compiled to
// WebAssembly (@viz-js/viz, loaded on first use), with the node being stepped and the inputs it
// feeds highlighted. Without WebAssembly, or if Graphviz fails to load, it shows the DOT text and
// says why.
import { drawGraph, type Value } from "../../micrograd/index.js";
import { h } from "../common/dom.js";

export interface Highlight {
  /** Topological index of the node whose rule runs (drawn as v{i} and its op as v{i}_op). */
  current?: number;
  /** Indices of the inputs receiving gradient. */
  receiving?: readonly number[];
}

let renders = 0;

/** Draws the graph of `root` into `container`; resolves to false when it fell back to DOT text. */
export async function renderGraph(
  container: HTMLElement,
  root: Value,
  highlight: Highlight = {},
): Promise<boolean> {
  const ticket = ++renders;
  const drawing = drawGraph(root, { digits: 4 });
  let svg: string;
  try {
    if (typeof WebAssembly === "undefined") throw new Error("this browser has no WebAssembly");
    svg = await drawing.svg();
  } catch (e) {
    if (ticket !== renders) return false;
    container.replaceChildren(
      h(
        "p",
        { class: "error", role: "alert" },
        `Graphviz could not draw the graph (${e instanceof Error ? e.message : e}); here is its DOT text instead.`,
      ),
      h("pre", { class: "mono" }, drawing.dot),
    );
    container.dataset.render = "dot";
    return false;
  }
  if (ticket !== renders) return true; // a newer drawing is on its way
  container.innerHTML = svg;
  container.dataset.render = "svg";
  fit(container);
  const byTitle = new Map<string, Element>();
  for (const g of container.querySelectorAll("g.node")) {
    const title = g.querySelector("title")?.textContent;
    if (title) byTitle.set(title, g);
  }
  const mark = (id: string, cls: string) => byTitle.get(id)?.classList.add(cls);
  if (highlight.current !== undefined) {
    mark(`v${highlight.current}`, "current");
    mark(`v${highlight.current}_op`, "current");
  }
  for (const i of highlight.receiving ?? []) mark(`v${i}`, "receiving");
  // A wide graph scrolls: bring the node being stepped into view.
  const current = byTitle.get(`v${highlight.current}`);
  if (current && container.scrollWidth > container.clientWidth) {
    const box = current.getBoundingClientRect();
    const frame = container.getBoundingClientRect();
    container.scrollLeft += box.left + box.width / 2 - (frame.left + frame.width / 2);
  }
  return true;
}

/**
 * Scales the drawing to the panel's width, but to no less than 60% of its natural size (Graphviz
 * sizes it in points): a big graph stays readable and the panel scrolls instead.
 */
function fit(container: HTMLElement): void {
  const svg = container.querySelector("svg");
  if (!svg) return;
  const natural = (parseFloat(svg.getAttribute("width") ?? "") * 4) / 3;
  const room = container.clientWidth - 14;
  if (!(natural > 0) || !(room > 0)) return;
  svg.style.width = `${Math.round(Math.min(natural, Math.max(room, 0.6 * natural)))}px`;
}
