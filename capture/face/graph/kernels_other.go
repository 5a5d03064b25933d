//go:build !amd64 || purego

package graph

func bestKernels() *kernelSet { return genericKernels() }
