// A tiny ONNX writer: the protobuf bytes of a one-node MatMul model (C = A @ B, float32, fixed
// shapes), so onnxruntime can be measured without Python's onnx package. Only the fields ORT
// needs are written: ModelProto { ir_version, opset_import, graph { node, input, output } }.
// Field numbers follow onnx.proto (github.com/onnx/onnx/blob/main/onnx/onnx.proto).

type Field = Uint8Array;

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

const concat = (parts: (Field | number[])[]): Field => {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) out.set(a, (at += a.length) - a.length);
  return out;
};

/** wire type 0: an integer field */
const int = (field: number, value: number): Field => concat([varint(field << 3), varint(value)]);
/** wire type 2: a length-delimited field (bytes, string or nested message) */
const bytes = (field: number, value: Field): Field =>
  concat([varint((field << 3) | 2), varint(value.length), value]);
const str = (field: number, s: string): Field => bytes(field, new TextEncoder().encode(s));
const msg = (field: number, ...parts: Field[]): Field => bytes(field, concat(parts));

const FLOAT = 1; // TensorProto.DataType.FLOAT

/** ValueInfoProto { name = 1, type = 2: TypeProto { tensor_type = 1: { elem_type = 1, shape = 2 } } } */
function valueInfo(field: number, name: string, shape: number[]): Field {
  const dims = shape.map((d) => msg(1, int(1, d))); // TensorShapeProto.dim { dim_value = 1 }
  return msg(field, str(1, name), msg(2, msg(1, int(1, FLOAT), msg(2, ...dims))));
}

/** The model bytes of C[m, n] = A[m, k] @ B[k, n] (opset 13, IR version 8). */
export function matmulModel(m: number, k: number, n: number): Uint8Array {
  const node = msg(1, str(1, "A"), str(1, "B"), str(2, "C"), str(3, "matmul"), str(4, "MatMul"));
  const graph = msg(
    7,
    node,
    str(2, "nabla-bench-matmul"),
    valueInfo(11, "A", [m, k]),
    valueInfo(11, "B", [k, n]),
    valueInfo(12, "C", [m, n]),
  );
  const opset = msg(8, str(1, ""), int(2, 13)); // OperatorSetIdProto { domain = 1, version = 2 }
  return concat([int(1, 8), str(2, "nabla-bench"), graph, opset]);
}
