package main

import (
	"errors"
	"image"
	"image/jpeg"
	"os"
)

// writePassport is a placeholder until the data page is drawn.
func writePassport(src *image.RGBA, fm *faceModel, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = jpeg.Encode(f, src, &jpeg.Options{Quality: 85})
	return errors.Join(err, f.Close())
}
