package cli

import (
	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/api/sandbox/mrzreader"
)

// newSandboxDocumentReader is the local MRZ reader as the sandbox's
// DocumentReader (package mrzreader): recognize-document answers with the
// fields the MRZ holds, and check compares the posted fields with them.
func newSandboxDocumentReader() (*mrzreader.Reader, error) { return mrzreader.New() }

// withSandboxDocumentReader installs the local MRZ reader as so's
// DocumentReader unless one is set.
func withSandboxDocumentReader(so *sandbox.Options) error {
	if so.DocumentReader != nil {
		return nil
	}
	dr, err := newSandboxDocumentReader()
	if err != nil {
		return err
	}
	so.DocumentReader = dr
	return nil
}
