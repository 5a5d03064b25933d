package assets

import (
	"embed"
	"io/fs"
)

// demoFiles are the offline demo's data, made by assets/demo/gen from the
// public-domain portrait in shared/data; see assets/README.md.
//
//go:embed demo/recording demo/passport.jpg
var demoFiles embed.FS

// Demo returns the offline demo's data: "recording" (a recorded session,
// see docs/recording.md) and "passport.jpg" (the document photo).
func Demo() fs.FS {
	sub, err := fs.Sub(demoFiles, "demo")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "demo" is a constant.
		panic(err)
	}
	return sub
}
