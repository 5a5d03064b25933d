package cli

import (
	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/api/sandbox/mrzreader"
)

// withSandboxDocumentReader installs the local MRZ reader as so's
// DocumentReader unless one is set.
func withSandboxDocumentReader(so *sandbox.Options) error {
	if so.DocumentReader != nil {
		return nil
	}
	dr, err := mrzreader.New()
	if err != nil {
		return err
	}
	so.DocumentReader = dr
	return nil
}
