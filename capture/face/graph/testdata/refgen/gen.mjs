// Reference generator for capture/face/graph's tests.
//
// Rerun (from this directory):   npm ci && node gen.mjs
// It runs every embedded model (../../../../../assets/models) and every
// synthetic op graph (../ops, written by ops.mjs first) with
// @tensorflow/tfjs on the pure-JS CPU backend, on inputs from the
// deterministic formula in common.mjs, and writes ../ref/NAME.json with
// each output's shape and float32 data (base64, little-endian).
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { loadModel, inputValues, MODELS, inputShape } from './common.mjs';
import { writeOpModels } from './ops.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelsDir = path.resolve(here, '../../../../../assets/models');
const opsDir = path.resolve(here, '../ops');
const refDir = path.resolve(here, '../ref');

function b64(f32) {
  return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString('base64');
}

async function reference(dir, spec) {
  const model = await loadModel(tf, dir, spec.name);
  const shape = inputShape(model);
  const x = tf.tensor(inputValues(shape, spec.lo, spec.hi), shape, 'float32');
  const names = model.outputNodes.map((n) => n.split(':')[0]);
  const outs = model.execute({ [model.inputNodes[0].split(':')[0]]: x }, names);
  const list = Array.isArray(outs) ? outs : [outs];
  const result = {
    model: spec.name,
    generator: `@tensorflow/tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}`,
    input: { shape, lo: spec.lo, hi: spec.hi },
    outputs: list.map((t, i) => ({ name: names[i], shape: t.shape, data: b64(t.dataSync()) })),
  };
  fs.writeFileSync(path.join(refDir, `${spec.name}.json`), JSON.stringify(result, null, 1) + '\n');
  console.log(spec.name, list.map((t) => t.shape));
  tf.dispose([x, ...list]);
}

await tf.setBackend('cpu');
fs.mkdirSync(refDir, { recursive: true });
const ops = writeOpModels(opsDir);
for (const spec of MODELS) await reference(modelsDir, spec);
for (const spec of ops) await reference(opsDir, spec);
