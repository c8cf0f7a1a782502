/**
 * The few ONNX protobuf messages a computation graph needs (ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto), written by hand: field numbers from onnx.proto3.
 * Writing only; nothing here parses.
 */

export const ELEM = { float: 1, int64: 7 } as const;

export type AttrValue = number | number[] | { float: number };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
  domain?: string;
}

export interface TensorSpec {
  name: string;
  dims: number[];
  type: keyof typeof ELEM;
  /** Little-endian raw values. */
  raw: Uint8Array;
}

export interface ValueSpec {
  name: string;
  dims: number[];
  type: keyof typeof ELEM;
}

export interface GraphSpec {
  name: string;
  nodes: NodeSpec[];
  initializers: TensorSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  /** opset of the default domain; com.microsoft is imported at version 1. */
  opset: number;
}

/** Appends fields; large byte fields and nested messages are kept as chunks and copied once, in bytes(). */
class Writer {
  private readonly parts: Uint8Array[] = [];
  private pending: number[] = [];
  private size = 0;

  private push(byte: number): void {
    this.pending.push(byte);
    this.size++;
  }

  private flush(): void {
    if (this.pending.length) this.parts.push(Uint8Array.from(this.pending));
    this.pending = [];
  }

  private append(chunks: readonly Uint8Array[], length: number): void {
    this.flush();
    for (const c of chunks) this.parts.push(c);
    this.size += length;
  }

  bytes(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.push(Number(x));
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number): void {
    this.tag(field, 0);
    this.varint(v);
  }

  float(field: number, v: number): void {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    for (const x of b) this.push(x);
  }

  bytesField(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.append([b], b.length);
  }

  string(field: number, s: string): void {
    this.bytesField(field, new TextEncoder().encode(s));
  }

  message(field: number, build: (w: Writer) => void): void {
    const w = new Writer();
    build(w);
    w.flush();
    this.tag(field, 2);
    this.varint(w.size);
    this.append(w.parts, w.size);
  }
}

function writeTensor(w: Writer, t: TensorSpec): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, ELEM[t.type]);
  w.string(8, t.name);
  w.bytesField(9, t.raw);
}

function writeValue(w: Writer, v: ValueSpec): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ELEM[v.type]);
      tensor.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => dim.int(1, d));
      });
    }),
  );
}

function writeAttr(w: Writer, name: string, v: AttrValue): void {
  w.string(1, name);
  if (typeof v === 'number') {
    w.int(3, v);
    w.int(20, 2);
  } else if (Array.isArray(v)) {
    for (const x of v) w.int(8, x);
    w.int(20, 7);
  } else {
    w.float(2, v.float);
    w.int(20, 1);
  }
}

/** The serialised ModelProto (IR version 8). */
export function encodeModel(g: GraphSpec): Uint8Array {
  const w = new Writer();
  w.int(1, 8);
  w.string(2, 'dede-studio');
  w.message(7, (graph) => {
    for (const n of g.nodes)
      graph.message(1, (node) => {
        for (const i of n.inputs) node.string(1, i);
        for (const o of n.outputs) node.string(2, o);
        node.string(4, n.op);
        for (const [k, v] of Object.entries(n.attrs ?? {})) node.message(5, (a) => writeAttr(a, k, v));
        if (n.domain) node.string(7, n.domain);
      });
    graph.string(2, g.name);
    for (const t of g.initializers) graph.message(5, (m) => writeTensor(m, t));
    for (const v of g.inputs) graph.message(11, (m) => writeValue(m, v));
    for (const v of g.outputs) graph.message(12, (m) => writeValue(m, v));
  });
  w.message(8, (o) => {
    o.string(1, '');
    o.int(2, g.opset);
  });
  w.message(8, (o) => {
    o.string(1, 'com.microsoft');
    o.int(2, 1);
  });
  return w.bytes();
}
