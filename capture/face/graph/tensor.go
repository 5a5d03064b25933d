package graph

import (
	"fmt"
	"slices"
)

// Tensor is a dense float32 tensor in row-major order.
type Tensor struct {
	// Shape lists the dimensions, outermost first (NHWC for images).
	Shape []int
	// Data holds the elements; len(Data) is the product of Shape.
	Data []float32
}

// NewTensor returns a zero tensor of the given shape.
func NewTensor(shape ...int) *Tensor {
	return &Tensor{Shape: slices.Clone(shape), Data: make([]float32, numElements(shape))}
}

// Len returns the number of elements the shape describes.
func (t *Tensor) Len() int { return numElements(t.Shape) }

func numElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// maxElements bounds the size of any one tensor a model may declare or
// produce, so a corrupted model cannot ask for an absurd allocation.
const maxElements = 1 << 28

// checkedElements returns the product of shape, or an error when a
// dimension is negative or the product exceeds maxElements.
func checkedElements(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v: %w", shape, ErrShape)
		}
		if d != 0 && n > maxElements/d {
			return 0, fmt.Errorf("shape %v too large: %w", shape, ErrShape)
		}
		n *= d
	}
	return n, nil
}
