// Scalar float32 math for the elementwise kernels. Transcendentals are evaluated in float64 and
// rounded once, as the reference backend does, so both backends agree to the last bit or two.

/** erf by its Maclaurin series near 0 and by the continued fraction of erfc in the tails. */
export function erf(x: f64): f64 {
  const ax = Math.abs(x);
  if (ax != ax) return x;
  // erfc(6) ≈ 2e-17 is below half an ulp of 1 (and this covers ±∞)
  if (ax >= 6) return x > 0 ? 1 : -1;
  const sign: f64 = x < 0 ? -1 : 1;
  const x2 = ax * ax;
  if (ax < 2.5) {
    // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / <f64>n;
      const add = term / <f64>(2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  // erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated by Lentz's method
  let f = ax;
  let c = ax;
  let d = 0.0;
  for (let n = 1; n < 200; n++) {
    const an = <f64>n / 2;
    d = 1 / (ax + an * d);
    c = ax + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return sign * (1 - Math.exp(-x2) / (f * Math.sqrt(Math.PI)));
}

/** C's pow, which PyTorch follows: 1^y = 1 for every y, and (-1)^±∞ = 1. */
export function powC(a: f64, b: f64): f64 {
  if (a == 1 || (a == -1 && !isFinite(b) && b == b)) return 1;
  return Math.pow(a, b);
}

export function sigmoid(v: f64): f64 {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}
