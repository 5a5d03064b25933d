package cli

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProbeClient(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.invalid/", http.StatusFound)
	}))
	defer srv.Close()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "junk.pem")
	os.WriteFile(junk, []byte("not a certificate"), 0o600)

	tests := []struct {
		name    string
		caFile  string
		wantErr string
		wantGet bool
	}{
		{"ca_file trusts the server, redirect not followed", ca, "", true},
		{"no ca_file: unknown authority", "", "", false},
		{"missing ca_file", filepath.Join(dir, "nope.pem"), "ca_file:", false},
		{"ca_file without certificates", junk, "no PEM certificates", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := probeClient(tc.caFile)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Get(srv.URL)
			if tc.wantGet != (err == nil) {
				t.Fatalf("GET err = %v, want success %v", err, tc.wantGet)
			}
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != http.StatusFound {
					t.Errorf("status %d: the redirect was followed", resp.StatusCode)
				}
			}
		})
	}
}
