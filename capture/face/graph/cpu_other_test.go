//go:build !unix

package graph

// processCPU is unavailable here; BenchmarkModel then reports 0 cpu-ms/op.
func processCPU() int64 { return 0 }
