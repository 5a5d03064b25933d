// Shared helpers of the reference generator and the benchmark: loading a
// TensorFlow.js graph model from disk without tfjs-node, and the
// deterministic input formula that graph_test.go reproduces.
import fs from 'node:fs';
import path from 'node:path';

// loadModel loads dir/name.json and its shards through an in-memory IO handler.
export async function loadModel(tf, dir, name) {
  const json = JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
  const specs = [];
  const parts = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) parts.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(parts);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadGraphModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature,
      userDefinedMetadata: json.userDefinedMetadata,
      weightSpecs: specs,
      weightData,
    }),
  });
}

// inputValues fills an NHWC tensor of the given shape: a gradient over x, y
// and channel plus hashed noise, as a byte b, mapped to lo + (hi-lo)*b/255.
// Integer arithmetic only, then one double expression rounded to float32,
// so Go computes bit-identical values (see inputValues in graph_test.go).
export function inputValues(shape, lo, hi) {
  const n = shape.reduce((a, b) => a * b, 1);
  const [, H, W, C] = shape;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % C;
    const x = Math.floor(i / C) % W;
    const y = Math.floor(i / (C * W)) % H;
    const hash = Math.imul(i, 2654435761 | 0) >>> 26; // 0..63
    const b = (x * 3 + y * 2 + c * 85 + hash) & 255;
    out[i] = Math.fround(lo + ((hi - lo) * b) / 255);
  }
  return out;
}

// Models: name, input range. Blazeface takes [-1,1], the others [0,1].
export const MODELS = [
  { name: 'blazeface-front', lo: -1, hi: 1 },
  { name: 'facemesh', lo: 0, hi: 1 },
  { name: 'iris', lo: 0, hi: 1 },
  { name: 'antispoof', lo: 0, hi: 1 },
  { name: 'liveness', lo: 0, hi: 1 },
  { name: 'emotion', lo: 0, hi: 1 },
  { name: 'mobilefacenet', lo: 0, hi: 1 },
];

export function inputShape(model) {
  const shape = model.inputs[0].shape.map((d) => (d === -1 || d === null ? 1 : d));
  return shape;
}
