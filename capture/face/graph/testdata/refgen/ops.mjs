// Synthetic graph models that exercise the ops and variants the shipped
// face models do not (plain Conv2D with dilations, channel multipliers,
// MatMul with transpose_b, Sub/Maximum/Minimum/Abs/Square/Rsqrt/Sum/Mean/
// Squeeze/Relu6/Softmax/Sigmoid/Prelu, GEMM edge tiles). writeOpModels writes
// them as TensorFlow.js graph models (model.json + .bin) with deterministic
// weights into dir and returns their specs for gen.mjs.
import fs from 'node:fs';
import path from 'node:path';

const enc = (s) => Buffer.from(s).toString('base64');
const A = {
  s: (v) => ({ s: enc(v) }),
  b: (v) => ({ b: v }),
  ints: (v) => ({ list: { i: v.map(String) } }),
  strs: (v) => ({ list: { s: v.map(enc) } }),
  type: (t) => ({ type: t }),
};

class Graph {
  constructor() {
    this.nodes = [];
    this.weights = [];
    this.data = [];
    this.seed = 1;
  }
  placeholder(name, shape) {
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: A.type('DT_FLOAT'), shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } } } });
    return name;
  }
  // konst adds a constant; with this.quantize = 'uint8' or 'uint16', float
  // weights are stored affine-quantized (value = q·scale + min) as tfjs's
  // converter writes them.
  konst(name, shape, values, dtype = 'float32') {
    const n = shape.reduce((a, b) => a * b, 1);
    const arr = dtype === 'int32' ? Int32Array.from(values) : new Float32Array(n);
    if (dtype === 'float32') {
      for (let i = 0; i < n; i++) {
        arr[i] = values ? values[i] : (((i * 37 + this.seed * 11) % 101) - 50) / 100;
      }
      this.seed++;
    }
    const dt = dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
    this.nodes.push({ name, op: 'Const', attr: { value: { tensor: { dtype: dt, tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } }, dtype: A.type(dt) } });
    if (dtype === 'float32' && this.quantize && n > 1) {
      const levels = this.quantize === 'uint8' ? 255 : 65535;
      const lo = Math.min(...arr);
      const hi = Math.max(...arr);
      const scale = (hi - lo) / levels || 1;
      const q = this.quantize === 'uint8' ? new Uint8Array(n) : new Uint16Array(n);
      for (let i = 0; i < n; i++) q[i] = Math.round((arr[i] - lo) / scale);
      this.weights.push({ name, shape, dtype, quantization: { dtype: this.quantize, min: lo, scale, original_dtype: 'float32' } });
      this.data.push(Buffer.from(q.buffer));
      return name;
    }
    this.weights.push({ name, shape, dtype });
    this.data.push(Buffer.from(arr.buffer));
    return name;
  }
  op(name, op, input, attr = {}) {
    this.nodes.push({ name, op, input, attr: { T: A.type('DT_FLOAT'), ...attr } });
    return name;
  }
  write(dir, name) {
    const json = {
      format: 'graph-model',
      generatedBy: 'kycterm ops.mjs',
      convertedBy: null,
      modelTopology: { node: this.nodes, library: {}, versions: {} },
      weightsManifest: [{ paths: [`${name}.bin`], weights: this.weights }],
    };
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(json, null, 1) + '\n');
    fs.writeFileSync(path.join(dir, `${name}.bin`), Buffer.concat(this.data));
  }
}

const conv = (strides, padding, dilations = [1, 1, 1, 1]) => ({
  strides: A.ints(strides), padding: A.s(padding), dilations: A.ints(dilations), data_format: A.s('NHWC'),
});

function opsA() {
  const g = new Graph();
  const x = g.placeholder('x', [-1, 9, 9, 4]);
  const c1 = g.op('c1', 'Conv2D', [x, g.konst('w1', [3, 3, 4, 6])], conv([1, 1, 1, 1], 'SAME', [1, 2, 2, 1]));
  const c2 = g.op('c2', 'Conv2D', [c1, g.konst('w2', [2, 2, 6, 5])], conv([1, 2, 2, 1], 'VALID'));
  const d1 = g.op('d1', 'FusedDepthwiseConv2dNative', [x, g.konst('dw1', [3, 3, 4, 2]), g.konst('db1', [8])],
    { ...conv([1, 2, 2, 1], 'SAME'), fused_ops: A.strs(['BiasAdd', 'Relu']), num_args: { i: '1' } });
  const d2 = g.op('d2', 'DepthwiseConv2dNative', [x, g.konst('dw2', [3, 3, 4, 1])], conv([1, 1, 1, 1], 'VALID', [1, 2, 2, 1]));
  const p = g.op('pad', 'Pad', [d2, g.konst('pads', [4, 2], [0, 0, 1, 1, 2, 0, 0, 3], 'int32')]);
  const mp = g.op('mp', 'MaxPool', [p], { ksize: A.ints([1, 3, 3, 1]), strides: A.ints([1, 2, 2, 1]), padding: A.s('SAME'), data_format: A.s('NHWC') });
  const cat = g.op('cat', 'ConcatV2', [c2, mp, g.konst('axis', [], [-1], 'int32')], { N: { i: '2' } });
  const sq = g.op('sq', 'Square', [cat]);
  const ab = g.op('ab', 'Abs', [g.op('sub', 'Sub', [cat, g.konst('third', [], [0.3])])]);
  const mx = g.op('mx', 'Maximum', [sq, ab]);
  const mn = g.op('mn', 'Minimum', [mx, g.konst('cap', [12])]);
  const r6 = g.op('r6', 'Relu6', [g.op('mul', 'Mul', [mn, g.konst('ten', [], [10])])]);
  const s = g.op('sum', 'Sum', [r6, g.konst('axes', [2], [1, 2], 'int32')], { keep_dims: A.b(true) });
  const sqz = g.op('sqz', 'Squeeze', [s], { squeeze_dims: A.ints([1, 2]) });
  const rs = g.op('rs', 'Rsqrt', [g.op('add1', 'AddV2', [sqz, g.konst('one', [], [1])])]);
  const mm = g.op('mm', 'MatMul', [rs, g.konst('m1', [7, 12])], { transpose_a: A.b(false), transpose_b: A.b(true) });
  const fm = g.op('fm', '_FusedMatMul', [mm, g.konst('m2', [7, 5]), g.konst('mb', [5])],
    { transpose_a: A.b(false), transpose_b: A.b(false), fused_ops: A.strs(['BiasAdd', 'Relu']), num_args: { i: '1' } });
  g.op('out_softmax', 'Softmax', [fm]);
  g.op('out_sigmoid', 'Sigmoid', [g.op('mean', 'Mean', [d1, g.konst('axes2', [2], [1, 2], 'int32')], { keep_dims: A.b(false) })]);
  g.op('out_prelu', 'Prelu', [g.op('sub2', 'Sub', [c1, g.konst('half', [], [0.5])]), g.konst('alpha', [6])]);
  g.op('out_dw_dil', 'DepthwiseConv2dNative', [x, g.konst('dw3', [3, 3, 4, 1])], conv([1, 1, 1, 1], 'SAME', [1, 2, 2, 1]));
  g.op('out_dw_5x5', 'FusedDepthwiseConv2dNative', [x, g.konst('dw4', [5, 5, 4, 1]), g.konst('db4', [4])],
    { ...conv([1, 2, 2, 1], 'SAME'), fused_ops: A.strs(['BiasAdd', 'Relu']), num_args: { i: '1' } });
  g.op('out_dw_big', 'DepthwiseConv2dNative', [x, g.konst('dw5', [3, 3, 4, 1])], conv([1, 1, 1, 1], 'SAME', [1, 5, 5, 1]));
  const f4 = g.op('f4', '_FusedConv2D', [x, g.konst('w4', [1, 1, 4, 20]), g.konst('b4', [20]), g.konst('a4', [20])],
    { ...conv([1, 1, 1, 1], 'SAME'), fused_ops: A.strs(['BiasAdd', 'Prelu']), num_args: { i: '2' } });
  g.op('out_reshape', 'Reshape', [f4, g.konst('shape', [2], [-1, 20], 'int32')]);
  g.op('out_conv33', '_FusedConv2D', [x, g.konst('w5', [3, 3, 4, 33]), g.konst('b5', [33])],
    { ...conv([1, 2, 2, 1], 'SAME'), fused_ops: A.strs(['BiasAdd', 'Relu6']), num_args: { i: '1' } });
  return g;
}

// opsQ: a small network whose float weights are uint8 (convolutions) and
// uint16 (dense) quantized, to check dequantization against tfjs.
function opsQ() {
  const g = new Graph();
  const x = g.placeholder('x', [-1, 12, 12, 3]);
  g.quantize = 'uint8';
  const c1 = g.op('c1', '_FusedConv2D', [x, g.konst('w1', [3, 3, 3, 8]), g.konst('b1', [8])],
    { ...conv([1, 2, 2, 1], 'SAME'), fused_ops: A.strs(['BiasAdd', 'Relu']), num_args: { i: '1' } });
  const d1 = g.op('d1', 'DepthwiseConv2dNative', [c1, g.konst('dw', [3, 3, 8, 1])], conv([1, 1, 1, 1], 'SAME'));
  const flat = g.op('flat', 'Reshape', [d1, g.konst('shape', [2], [-1, 288], 'int32')]);
  g.quantize = 'uint16';
  g.op('out_dense', '_FusedMatMul', [flat, g.konst('m', [288, 10]), g.konst('mb', [10])],
    { transpose_a: A.b(false), transpose_b: A.b(false), fused_ops: A.strs(['BiasAdd']), num_args: { i: '1' } });
  return g;
}

export function writeOpModels(dir) {
  fs.mkdirSync(dir, { recursive: true });
  opsA().write(dir, 'ops-a');
  opsQ().write(dir, 'ops-q');
  return [{ name: 'ops-a', lo: 0, hi: 1 }, { name: 'ops-q', lo: 0, hi: 1 }];
}
