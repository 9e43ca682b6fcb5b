// Generalized UTF-8 (WTF-8) for JS strings: lone surrogates get their own 3-byte form, so
// wtf8Decode(wtf8Encode(s)) === s for every string; invalid bytes decode to U+FFFD.
//
// TextEncoder would turn a lone surrogate into U+FFFD and lose it. Here a paired surrogate becomes the
// usual 4-byte sequence and a lone one U+D800–U+DFFF becomes ED A0–BF 80–BF, the bytes UTF-8's
// formula gives it (UTF-8 proper forbids them). The decoder accepts those bytes back as a lone code
// unit and replaces every other ill-formed sequence by one U+FFFD per maximal subpart, as the WHATWG
// Encoding standard's decoder does, so decoding any bytes at all returns a string and never throws.

/** The WTF-8 bytes of a JS string (its UTF-8 bytes when it has no lone surrogate). */
export function wtf8Encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3); // a UTF-16 unit needs at most 3 bytes (a pair: 4 for 2)
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    } else {
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 0x3f);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    }
  }
  return out.subarray(0, n);
}

const REPLACEMENT = 0xfffd;

/** The range allowed for the second byte after a lead byte (WTF-8 lets ED take A0–BF too). */
function secondByteRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

const utf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/** Decodes WTF-8 (and so UTF-8) bytes; each maximal ill-formed subpart becomes one U+FFFD. */
export function wtf8Decode(bytes: ArrayLike<number>): string {
  // Without a surrogate's form (ED A0–BF) the bytes decode exactly as TextDecoder does, natively.
  let surrogate = false;
  for (let i = 0; i + 1 < bytes.length && !surrogate; i++)
    surrogate = bytes[i] === 0xed && bytes[i + 1]! >= 0xa0;
  if (!surrogate) return utf8.decode(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
  return decodeSlowly(bytes);
}

/** wtf8Decode without the fast path (exported for tests, which compare it with TextDecoder). */
export function decodeSlowly(bytes: ArrayLike<number>): string {
  const units: number[] = [];
  const parts: string[] = [];
  const flush = (): void => {
    parts.push(String.fromCharCode(...units));
    units.length = 0;
  };
  const len = bytes.length;
  let i = 0;
  while (i < len) {
    const b = bytes[i]!;
    if (units.length > 8192) flush(); // String.fromCharCode takes its units as arguments
    if (b < 0x80) {
      units.push(b);
      i++;
      continue;
    }
    // Number of continuation bytes a valid lead byte wants; C0, C1 and F5–FF are never valid.
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0) {
      units.push(REPLACEMENT);
      i++;
      continue;
    }
    let c = b & (0x3f >> need);
    let j = 1;
    for (; j <= need && i + j < len; j++) {
      const x = bytes[i + j]!;
      const [lo, hi] = j === 1 ? secondByteRange(b) : [0x80, 0xbf];
      if (x < lo || x > hi) break;
      c = (c << 6) | (x & 0x3f);
    }
    if (j <= need) {
      units.push(REPLACEMENT); // truncated or broken: skip the valid prefix, resume at the bad byte
      i += j;
      continue;
    }
    i += need + 1;
    if (c < 0x10000) units.push(c);
    else units.push(0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff));
  }
  flush();
  return parts.join("");
}
