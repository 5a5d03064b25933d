//go:build !amd64

package graph

func bestKernels() *kernelSet { return genericKernels() }
