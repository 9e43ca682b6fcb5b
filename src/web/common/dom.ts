// Small DOM helpers shared by the pages: typed element lookup, element creation, number formats.

/** The element with this id, of the expected class; throws naming the id when it is missing. */
export function byId<T extends HTMLElement = HTMLElement>(id: string, kind?: new () => T): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page: no element #${id}`);
  if (kind && !(el instanceof kind)) throw new Error(`page: #${id} is not a ${kind.name}`);
  return el as T;
}

/** A new element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") el.className = v;
    else el.setAttribute(k, v);
  }
  el.append(...children);
  return el;
}

/** A number for people: up to `digits` significant digits, no trailing zeros, −0 shown as 0. */
export function fmt(x: number, digits = 6): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (x === 0) return "0";
  const s =
    Math.abs(x) >= 1e-4 && Math.abs(x) < 1e6 ? String(Number(x.toPrecision(digits))) : x.toExponential(3);
  return s.replace("-", "−");
}

/** A fraction as a percentage with one decimal: 0.955 → "95.5%". */
export function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** Shows an error (or clears it with null) in an element with role="alert". */
export function showError(el: HTMLElement, message: string | null): void {
  el.textContent = message ?? "";
  el.hidden = message === null;
}
