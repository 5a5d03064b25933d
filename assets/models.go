// Package assets holds the files kycterm embeds in its binary.
//
// Models returns the TensorFlow.js graph models of the face analysis
// (model.json + weight shard per model) with their LICENSE, NOTICE of origin
// and SHA256SUMS; see models/NOTICE.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed models/*.json models/*.bin models/LICENSE models/NOTICE models/SHA256SUMS
var modelFiles embed.FS

// Models returns the embedded face models as a read-only file system rooted at
// the models directory: "facemesh.json", "facemesh.bin", "SHA256SUMS", ….
func Models() fs.FS {
	sub, err := fs.Sub(modelFiles, "models")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "models" is a constant.
		panic(err)
	}
	return sub
}

// ModelNames lists the models embedded in Models, by base name without ".json".
func ModelNames() []string {
	return []string{"blazeface-front", "facemesh", "iris", "antispoof", "liveness", "emotion", "mobilefacenet"}
}
