package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/kycterm/kycterm/api"
)

const stateVersion = 1

// ErrState reports a state file that cannot be read back.
var ErrState = errors.New("sandbox state file unusable")

// timeLayout is how Laravel serialises timestamps.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// state is what the state file holds: records only, no customer data.
type state struct {
	Version int       `json:"version"`
	NextID  int64     `json:"next_id"`
	Records []*record `json:"records"`
}

// record is one verification with its session fields.
type record struct {
	V          api.Verification `json:"verification"`
	SessionEnd *string          `json:"session_end"`
	// Steps maps a step number to when it was last updated.
	Steps map[string]string `json:"steps"`
}

// blob is an uploaded image as it came, held in memory only.
type blob struct {
	mime string
	data []byte
}

// volatile is a verification's customer data: never persisted.
type volatile struct {
	cadrs        []blob
	passport     *blob
	documentType string
	country      string
	check        map[string]string
	// checkMismatch names the /check fields that disagreed with the
	// document (names only, never values).
	checkMismatch []string
	// recognized is what recognize-document last read: /check compares
	// with it when no passport was uploaded.
	recognized map[string]any
	stepData   map[string]map[string]any
	liveness   map[string]any
}

func (s *Server) now() time.Time { return s.opts.Clock().UTC() }

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func strPtr(v string) *string { return &v }

// find returns the record of uuid; the caller holds s.mu.
func (s *Server) find(uuid string) *record {
	for _, r := range s.st.Records {
		if r.V.UUID == uuid {
			return r
		}
	}
	return nil
}

// volatileOf returns (creating) the in-memory data of uuid; the caller
// holds s.mu.
func (s *Server) volatileOf(uuid string) *volatile {
	v := s.mem[uuid]
	if v == nil {
		v = &volatile{stepData: map[string]map[string]any{}}
		s.mem[uuid] = v
	}
	return v
}

// touch stamps updated_at and saves the state; the caller holds s.mu.
func (s *Server) touch(r *record) error {
	r.V.UpdatedAt = fmtTime(s.now())
	return s.persistLocked()
}

// load reads the state file; a missing file is an empty state.
func (s *Server) load() error {
	b, err := os.ReadFile(s.opts.StatePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox: read state: %w", err)
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrState, filepath.Base(s.opts.StatePath), err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrState, st.Version, stateVersion)
	}
	seen := map[string]bool{}
	for _, r := range st.Records {
		if r == nil || r.V.UUID == "" || seen[r.V.UUID] {
			return fmt.Errorf("%w: a record is empty or repeated", ErrState)
		}
		seen[r.V.UUID] = true
		if r.Steps == nil {
			r.Steps = map[string]string{}
		}
		if r.V.ID >= st.NextID {
			st.NextID = r.V.ID + 1
		}
	}
	sort.Slice(st.Records, func(i, j int) bool { return st.Records[i].V.ID < st.Records[j].V.ID })
	s.st = st
	return nil
}

// persistLocked writes the state atomically (temporary file, fsync,
// rename) with mode 0600; the caller holds s.mu.
func (s *Server) persistLocked() error {
	if s.opts.StatePath == "" {
		return nil
	}
	b, err := json.MarshalIndent(s.st, "", "  ")
	if err != nil {
		return fmt.Errorf("sandbox: encode state: %w", err)
	}
	dir := filepath.Dir(s.opts.StatePath)
	f, err := os.CreateTemp(dir, ".sandbox-state-*")
	if err != nil {
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		_ = f.Close()
		_ = os.Remove(tmp)
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := f.Write(b); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	if err := os.Rename(tmp, s.opts.StatePath); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	return nil
}
