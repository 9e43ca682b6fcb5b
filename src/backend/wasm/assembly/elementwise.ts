// float32 unary and binary kernels over strided views. Contiguous rows (and rows against a
// broadcast scalar) run SIMD loops for the ops that have SIMD instructions; every other row is a
// scalar loop. Op markers are resolved at compile time (idof), so each op gets its own loops.
import { iterNext, iterStart, o0, o1, o2, rowN, s0, s1, s2 } from "./iter";
import { erf, powC, sigmoid } from "./math";
import { expV, geluTanhGradV, geluTanhV, sigmoidV, tanhV } from "./vmath";

// unary markers, in the order of the JS side's UNARY_CODES
class Neg {}
class Abs {}
class Exp {}
class Log {}
class Log1p {}
class Expm1 {}
class Sqrt {}
class Rsqrt {}
class Sin {}
class Cos {}
class Tanh {}
class Sigmoid {}
class Relu {}
class Sign {}
class Floor {}
class Ceil {}
class Round {}
class Erf {}
class LogicalNot {}
class IsNan {}
class IsInf {}
class GeluTanh {}

const GELU_K: f64 = 0.7978845608028654; // √(2/π)
const GELU_C: f64 = 0.044715;

@inline function unaryS<Op>(x: f32): f32 {
  const d = <f64>x;
  if (idof<Op>() == idof<Neg>()) return -x;
  if (idof<Op>() == idof<Abs>()) return Mathf.abs(x);
  if (idof<Op>() == idof<Exp>()) return <f32>Math.exp(d);
  if (idof<Op>() == idof<Log>()) return <f32>Math.log(d);
  if (idof<Op>() == idof<Log1p>()) return <f32>Math.log1p(d);
  if (idof<Op>() == idof<Expm1>()) return <f32>Math.expm1(d);
  if (idof<Op>() == idof<Sqrt>()) return Mathf.sqrt(x);
  if (idof<Op>() == idof<Rsqrt>()) return <f32>(1 / Math.sqrt(d));
  if (idof<Op>() == idof<Sin>()) return <f32>Math.sin(d);
  if (idof<Op>() == idof<Cos>()) return <f32>Math.cos(d);
  if (idof<Op>() == idof<Tanh>()) return <f32>Math.tanh(d);
  if (idof<Op>() == idof<Sigmoid>()) return <f32>sigmoid(d);
  // NaN passes through relu but has sign 0, as in PyTorch
  if (idof<Op>() == idof<Relu>()) return x <= 0 ? 0 : x;
  if (idof<Op>() == idof<Sign>()) return x > 0 ? 1 : x < 0 ? -1 : 0;
  if (idof<Op>() == idof<Floor>()) return Mathf.floor(x);
  if (idof<Op>() == idof<Ceil>()) return Mathf.ceil(x);
  if (idof<Op>() == idof<Round>()) return nearest<f32>(x); // half to even, as torch.round
  if (idof<Op>() == idof<Erf>()) return <f32>erf(d);
  if (idof<Op>() == idof<GeluTanh>()) return <f32>(0.5 * d * (1 + Math.tanh(GELU_K * (d + GELU_C * d * d * d))));
  return unreachable();
}

@inline function hasUnaryV<Op>(): bool {
  return (
    idof<Op>() == idof<Neg>() ||
    idof<Op>() == idof<Abs>() ||
    idof<Op>() == idof<Exp>() ||
    idof<Op>() == idof<Sigmoid>() ||
    idof<Op>() == idof<Tanh>() ||
    idof<Op>() == idof<Sqrt>() ||
    idof<Op>() == idof<Rsqrt>() ||
    idof<Op>() == idof<Relu>() ||
    idof<Op>() == idof<Sign>() ||
    idof<Op>() == idof<Floor>() ||
    idof<Op>() == idof<Ceil>() ||
    idof<Op>() == idof<Round>() ||
    idof<Op>() == idof<GeluTanh>()
  );
}

@inline function unaryV<Op>(x: v128): v128 {
  if (idof<Op>() == idof<Neg>()) return f32x4.neg(x);
  if (idof<Op>() == idof<Abs>()) return f32x4.abs(x);
  if (idof<Op>() == idof<Exp>()) return expV(x);
  if (idof<Op>() == idof<Sigmoid>()) return sigmoidV(x);
  if (idof<Op>() == idof<Tanh>()) return tanhV(x);
  if (idof<Op>() == idof<Sqrt>()) return f32x4.sqrt(x);
  if (idof<Op>() == idof<Rsqrt>()) return f32x4.div(f32x4.splat(1), f32x4.sqrt(x));
  // max propagates NaN and maps -0 to +0, like the scalar rule
  if (idof<Op>() == idof<Relu>()) return f32x4.max(x, f32x4.splat(0));
  if (idof<Op>() == idof<Sign>()) {
    const z = f32x4.splat(0);
    return v128.or(
      v128.and(f32x4.gt(x, z), f32x4.splat(1)),
      v128.and(f32x4.lt(x, z), f32x4.splat(-1)),
    );
  }
  if (idof<Op>() == idof<Floor>()) return f32x4.floor(x);
  if (idof<Op>() == idof<Ceil>()) return f32x4.ceil(x);
  if (idof<Op>() == idof<Round>()) return f32x4.nearest(x);
  if (idof<Op>() == idof<GeluTanh>()) return geluTanhV(x);
  return unreachable();
}

/** Views: 0 x, 1 out (both float32). */
function unaryRows<Op>(x: usize, out: usize, args: usize): void {
  iterStart(args);
  do {
    const n = rowN;
    let p = x + (<usize>o0 << 2);
    let q = out + (<usize>o1 << 2);
    let i = 0;
    if (hasUnaryV<Op>() && s0 == 1 && s1 == 1) {
      for (; i + 8 <= n; i += 8, p += 32, q += 32) {
        v128.store(q, unaryV<Op>(v128.load(p)));
        v128.store(q, unaryV<Op>(v128.load(p, 16)), 16);
      }
      for (; i + 4 <= n; i += 4, p += 16, q += 16) v128.store(q, unaryV<Op>(v128.load(p)));
    }
    const sp = <usize>s0 << 2;
    const sq = <usize>s1 << 2;
    for (; i < n; i++, p += sp, q += sq) store<f32>(q, unaryS<Op>(load<f32>(p)));
  } while (iterNext());
}

@inline function predicate<Op>(x: f32): bool {
  if (idof<Op>() == idof<LogicalNot>()) return x == 0;
  if (idof<Op>() == idof<IsNan>()) return x != x;
  return Mathf.abs(x) == Infinity;
}

/** float32 → bool tests; views: 0 x, 1 out. */
function testRows<Op>(x: usize, out: usize, args: usize): void {
  iterStart(args);
  do {
    const n = rowN;
    let p = x + (<usize>o0 << 2);
    let q = out + <usize>o1;
    const sp = <usize>s0 << 2;
    const sq = <usize>s1;
    for (let i = 0; i < n; i++, p += sp, q += sq) store<u8>(q, predicate<Op>(load<f32>(p)) ? 1 : 0);
  } while (iterNext());
}

export function unaryF32(op: i32, x: usize, out: usize, args: usize): void {
  // prettier-ignore
  switch (op) {
    case 0: unaryRows<Neg>(x, out, args); break;
    case 1: unaryRows<Abs>(x, out, args); break;
    case 2: unaryRows<Exp>(x, out, args); break;
    case 3: unaryRows<Log>(x, out, args); break;
    case 4: unaryRows<Log1p>(x, out, args); break;
    case 5: unaryRows<Expm1>(x, out, args); break;
    case 6: unaryRows<Sqrt>(x, out, args); break;
    case 7: unaryRows<Rsqrt>(x, out, args); break;
    case 8: unaryRows<Sin>(x, out, args); break;
    case 9: unaryRows<Cos>(x, out, args); break;
    case 10: unaryRows<Tanh>(x, out, args); break;
    case 11: unaryRows<Sigmoid>(x, out, args); break;
    case 12: unaryRows<Relu>(x, out, args); break;
    case 13: unaryRows<Sign>(x, out, args); break;
    case 14: unaryRows<Floor>(x, out, args); break;
    case 15: unaryRows<Ceil>(x, out, args); break;
    case 16: unaryRows<Round>(x, out, args); break;
    case 17: unaryRows<Erf>(x, out, args); break;
    case 18: testRows<LogicalNot>(x, out, args); break;
    case 19: testRows<IsNan>(x, out, args); break;
    case 20: testRows<IsInf>(x, out, args); break;
    case 21: unaryRows<GeluTanh>(x, out, args); break;
    default: unreachable();
  }
}

// binary markers, in the order of the JS side's BINARY_CODES
class Add {}
class Sub {}
class Mul {}
class Div {}
class Pow {}
class Maximum {}
class Minimum {}
class Remainder {}
class Fmod {}
class Atan2 {}
class GeluTanhBackward {}
class Eq {}
class Ne {}
class Lt {}
class Le {}
class Gt {}
class Ge {}
class And {}
class Or {}
class Xor {}

@inline function binaryS<Op>(a: f32, b: f32): f32 {
  if (idof<Op>() == idof<Add>()) return a + b;
  if (idof<Op>() == idof<Sub>()) return a - b;
  if (idof<Op>() == idof<Mul>()) return a * b;
  if (idof<Op>() == idof<Div>()) return a / b;
  if (idof<Op>() == idof<Pow>()) return <f32>powC(<f64>a, <f64>b);
  if (idof<Op>() == idof<Maximum>()) return a != a || b != b ? NaN : a > b ? a : b;
  if (idof<Op>() == idof<Minimum>()) return a != a || b != b ? NaN : a < b ? a : b;
  if (idof<Op>() == idof<Remainder>()) {
    // Python/PyTorch remainder: C's fmod (exact), moved into the divisor's sign
    const m = <f32>(<f64>a % <f64>b);
    return m != 0 && m < 0 != b < 0 ? m + b : m;
  }
  if (idof<Op>() == idof<Fmod>()) return <f32>(<f64>a % <f64>b);
  if (idof<Op>() == idof<Atan2>()) return <f32>Math.atan2(<f64>a, <f64>b);
  if (idof<Op>() == idof<GeluTanhBackward>()) {
    const d = <f64>a;
    const t = Math.tanh(GELU_K * (d + GELU_C * d * d * d));
    return <f32>(<f64>b * (0.5 * (1 + t) + 0.5 * d * (1 - t * t) * GELU_K * (1 + 3 * GELU_C * d * d)));
  }
  return unreachable();
}

@inline function hasBinaryV<Op>(): bool {
  return (
    idof<Op>() == idof<Add>() ||
    idof<Op>() == idof<Sub>() ||
    idof<Op>() == idof<Mul>() ||
    idof<Op>() == idof<Div>() ||
    idof<Op>() == idof<Maximum>() ||
    idof<Op>() == idof<Minimum>() ||
    idof<Op>() == idof<GeluTanhBackward>()
  );
}

@inline function binaryV<Op>(a: v128, b: v128): v128 {
  if (idof<Op>() == idof<Add>()) return f32x4.add(a, b);
  if (idof<Op>() == idof<Sub>()) return f32x4.sub(a, b);
  if (idof<Op>() == idof<Mul>()) return f32x4.mul(a, b);
  if (idof<Op>() == idof<Div>()) return f32x4.div(a, b);
  // wasm's min/max propagate NaN, as the scalar rule does
  if (idof<Op>() == idof<Maximum>()) return f32x4.max(a, b);
  if (idof<Op>() == idof<Minimum>()) return f32x4.min(a, b);
  if (idof<Op>() == idof<GeluTanhBackward>()) return f32x4.mul(b, geluTanhGradV(a));
  return unreachable();
}

/** Views: 0 a, 1 b, 2 out (all float32). */
function binaryRows<Op>(a: usize, b: usize, out: usize, args: usize): void {
  iterStart(args);
  do {
    const n = rowN;
    let pa = a + (<usize>o0 << 2);
    let pb = b + (<usize>o1 << 2);
    let q = out + (<usize>o2 << 2);
    let i = 0;
    if (hasBinaryV<Op>() && s2 == 1) {
      if (s0 == 1 && s1 == 1) {
        for (; i + 8 <= n; i += 8, pa += 32, pb += 32, q += 32) {
          v128.store(q, binaryV<Op>(v128.load(pa), v128.load(pb)));
          v128.store(q, binaryV<Op>(v128.load(pa, 16), v128.load(pb, 16)), 16);
        }
        for (; i + 4 <= n; i += 4, pa += 16, pb += 16, q += 16)
          v128.store(q, binaryV<Op>(v128.load(pa), v128.load(pb)));
      } else if (s0 == 1 && s1 == 0) {
        // b broadcast along the row (x * 2, x - mean)
        const vb = v128.load32_splat(pb);
        for (; i + 8 <= n; i += 8, pa += 32, q += 32) {
          v128.store(q, binaryV<Op>(v128.load(pa), vb));
          v128.store(q, binaryV<Op>(v128.load(pa, 16), vb), 16);
        }
        for (; i + 4 <= n; i += 4, pa += 16, q += 16) v128.store(q, binaryV<Op>(v128.load(pa), vb));
      } else if (s0 == 0 && s1 == 1) {
        const va = v128.load32_splat(pa);
        for (; i + 8 <= n; i += 8, pb += 32, q += 32) {
          v128.store(q, binaryV<Op>(va, v128.load(pb)));
          v128.store(q, binaryV<Op>(va, v128.load(pb, 16)), 16);
        }
        for (; i + 4 <= n; i += 4, pb += 16, q += 16) v128.store(q, binaryV<Op>(va, v128.load(pb)));
      }
    }
    const sa = <usize>s0 << 2;
    const sb = <usize>s1 << 2;
    const sq = <usize>s2 << 2;
    for (; i < n; i++, pa += sa, pb += sb, q += sq) store<f32>(q, binaryS<Op>(load<f32>(pa), load<f32>(pb)));
  } while (iterNext());
}

@inline function compare<Op>(a: f32, b: f32): bool {
  if (idof<Op>() == idof<Eq>()) return a == b;
  if (idof<Op>() == idof<Ne>()) return a != b;
  if (idof<Op>() == idof<Lt>()) return a < b;
  if (idof<Op>() == idof<Le>()) return a <= b;
  if (idof<Op>() == idof<Gt>()) return a > b;
  if (idof<Op>() == idof<Ge>()) return a >= b;
  if (idof<Op>() == idof<And>()) return a != 0 && b != 0;
  if (idof<Op>() == idof<Or>()) return a != 0 || b != 0;
  return (a != 0) != (b != 0);
}

/** float32 × float32 → bool; views: 0 a, 1 b, 2 out. */
function compareRows<Op>(a: usize, b: usize, out: usize, args: usize): void {
  iterStart(args);
  do {
    const n = rowN;
    let pa = a + (<usize>o0 << 2);
    let pb = b + (<usize>o1 << 2);
    let q = out + <usize>o2;
    const sa = <usize>s0 << 2;
    const sb = <usize>s1 << 2;
    const sq = <usize>s2;
    for (let i = 0; i < n; i++, pa += sa, pb += sb, q += sq)
      store<u8>(q, compare<Op>(load<f32>(pa), load<f32>(pb)) ? 1 : 0);
  } while (iterNext());
}

export function binaryF32(op: i32, a: usize, b: usize, out: usize, args: usize): void {
  // prettier-ignore
  switch (op) {
    case 0: binaryRows<Add>(a, b, out, args); break;
    case 1: binaryRows<Sub>(a, b, out, args); break;
    case 2: binaryRows<Mul>(a, b, out, args); break;
    case 3: binaryRows<Div>(a, b, out, args); break;
    case 4: binaryRows<Pow>(a, b, out, args); break;
    case 5: binaryRows<Maximum>(a, b, out, args); break;
    case 6: binaryRows<Minimum>(a, b, out, args); break;
    case 7: binaryRows<Remainder>(a, b, out, args); break;
    case 8: binaryRows<Fmod>(a, b, out, args); break;
    case 9: binaryRows<Atan2>(a, b, out, args); break;
    case 10: binaryRows<GeluTanhBackward>(a, b, out, args); break;
    case 11: compareRows<Eq>(a, b, out, args); break;
    case 12: compareRows<Ne>(a, b, out, args); break;
    case 13: compareRows<Lt>(a, b, out, args); break;
    case 14: compareRows<Le>(a, b, out, args); break;
    case 15: compareRows<Gt>(a, b, out, args); break;
    case 16: compareRows<Ge>(a, b, out, args); break;
    case 17: compareRows<And>(a, b, out, args); break;
    case 18: compareRows<Or>(a, b, out, args); break;
    case 19: compareRows<Xor>(a, b, out, args); break;
    default: unreachable();
  }
}
