// Attention maps on canvases, one per layer and head: row q is the position that attends, column k
// a position it may attend to (only k ≤ q: the mask is causal), darker for more weight; the
// prompt's characters label both axes. One row per layer, its heads side by side.
import { h } from "../common/dom.js";
import type { AttentionMaps } from "./trainer.js";

/** A character as an axis label: visible stand-ins for space, newline and tab. */
export function showChar(ch: string): string {
  return ch === " " ? "␣" : ch === "\n" ? "↵" : ch === "\t" ? "⇥" : ch;
}

export function renderAttention(container: HTMLElement, a: AttentionMaps): void {
  const T = a.tokens.length;
  const cell = Math.max(6, Math.min(18, Math.floor(300 / T)));
  const label = 14;
  const size = label + T * cell;
  const rows: HTMLElement[] = [];
  for (let l = 0; l < a.nLayer; l++) {
    const figures: HTMLElement[] = [];
    for (let hd = 0; hd < a.nHead; hd++) {
      const canvas = h("canvas", {
        class: "attention",
        "data-layer": String(l + 1),
        "data-head": String(hd + 1),
        "aria-label": `attention of layer ${l + 1}, head ${hd + 1}`,
      });
      const ratio = globalThis.devicePixelRatio || 1;
      canvas.width = size * ratio;
      canvas.height = size * ratio;
      canvas.style.width = `${size}px`;
      canvas.style.height = `${size}px`;
      const ctx = canvas.getContext("2d")!;
      ctx.scale(ratio, ratio);
      const w = a.maps[l]![hd]!;
      for (let q = 0; q < T; q++)
        for (let k = 0; k < T; k++) {
          const v = Math.max(0, Math.min(1, w[q * T + k]!));
          const shade = Math.round(255 * (1 - v));
          ctx.fillStyle =
            k > q ? "#f1f3f5" : `rgb(${shade}, ${Math.round(255 - 151 * v)}, ${Math.round(255 - 70 * v)})`;
          ctx.fillRect(label + k * cell, label + q * cell, cell, cell);
        }
      ctx.fillStyle = "#495057";
      ctx.font = `${Math.min(11, cell)}px ui-monospace, monospace`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      if (cell >= 8)
        a.tokens.forEach((ch, i) => {
          ctx.fillText(showChar(ch), label + i * cell + cell / 2, label / 2);
          ctx.fillText(showChar(ch), label / 2, label + i * cell + cell / 2);
        });
      figures.push(h("figure", {}, canvas, h("figcaption", {}, `layer ${l + 1} · head ${hd + 1}`)));
    }
    rows.push(h("div", { class: "attention-layer" }, ...figures));
  }
  container.replaceChildren(...rows);
}
