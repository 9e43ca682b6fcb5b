// How a wrong argument is shown in the scalar engine's error messages ("got a Value", "got string \"x\"").

/** A short description of a value: numbers as themselves, objects by class, strings quoted. */
export function describe(x: unknown): string {
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (typeof x === "number") return String(x);
  if (typeof x === "string") return `string ${JSON.stringify(x.length > 20 ? x.slice(0, 20) + "…" : x)}`;
  if (Array.isArray(x)) return "an array";
  if (typeof x === "object") {
    const name = (x as { constructor?: { name?: string } }).constructor?.name;
    return name && name !== "Object" ? `a ${name}` : "an object";
  }
  return typeof x;
}
