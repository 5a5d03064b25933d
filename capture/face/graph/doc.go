// Package graph runs TensorFlow.js graph models ("format": "graph-model":
// a model.json with the TensorFlow GraphDef as JSON and a weightsManifest
// naming binary weight shards) in pure Go.
//
// The model of the thing: Load parses model.json, reads and dequantizes the
// weight shards (float32, int32, float16 and uint8/uint16 affine
// quantization), checks that every op is one this package implements
// (refusing the model otherwise, naming the op and the node), folds the
// integer constants (shapes, paddings, axes) into the ops that use them,
// orders the graph and infers every tensor's shape for a batch of one, so a
// malformed model fails at Load, not at Run.
//
// A Session holds everything one inference needs: a buffer per tensor,
// per-worker scratch space and a small pool of worker goroutines (one per
// GOMAXPROCS). After the first Run for a given input shape, Run allocates
// nothing. A Session is for one goroutine at a time; run several Sessions of
// one Model to run in parallel. Convolutions are a GEMM over packed weights
// (im2col only for kernels larger than 1×1) and depthwise convolutions a
// direct kernel; on amd64 with AVX2 and FMA their inner loops are assembly,
// with a pure-Go fallback that the tests run as well.
//
// Tensors are float32, NHWC, row-major.
package graph
