// Times every embedded model with @tensorflow/tfjs-backend-wasm (one
// thread) or the pure-JS CPU backend in Node.js: median of N runs after a
// warm-up, on the same deterministic input as the Go benchmark. Prints one
// JSON object per model: {"model", "backend", "ms" (wall), "cpu_ms"
// (process CPU time, less sensitive to other load on the machine)}.
// Usage: node bench.mjs [wasm|cpu] [runs]      (run by ../../bench/run)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { loadModel, inputValues, MODELS, inputShape } from './common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelsDir = path.resolve(here, '../../../../../assets/models');
const backend = process.argv[2] || 'wasm';
const runs = Number(process.argv[3] || 50);

if (backend === 'wasm') {
  wasm.setThreadsCount(1);
}
await tf.setBackend(backend);
await tf.ready();

for (const spec of MODELS) {
  const model = await loadModel(tf, modelsDir, spec.name);
  const shape = inputShape(model);
  const x = tf.tensor(inputValues(shape, spec.lo, spec.hi), shape, 'float32');
  const once = () => {
    const out = model.execute(x);
    const list = Array.isArray(out) ? out : [out];
    for (const t of list) t.dataSync();
    tf.dispose(list);
  };
  for (let i = 0; i < 5; i++) once();
  const times = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    once();
    const c = process.cpuUsage(c0);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    cpu.push((c.user + c.system) / 1e3);
  }
  const median = (v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
  console.log(JSON.stringify({ model: spec.name, backend: `${tf.getBackend()}`, ms: median(times), cpu_ms: median(cpu) }));
  x.dispose();
  model.dispose();
}
