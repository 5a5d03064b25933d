package logging

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// ErrClosed reports a write after Close.
var ErrClosed = errors.New("log file closed")

// RotatingWriter appends to a file and, when a write would take it past
// MaxBytes, renames it to .1 (shifting .1 to .2 … up to MaxBackups, the
// oldest dropped) and starts a new one. It is safe for concurrent use.
type RotatingWriter struct {
	path     string
	maxBytes int64
	backups  int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// NewRotatingWriter opens path for appending (creating its directory 0700
// and the file 0600). maxBytes <= 0 never rotates.
func NewRotatingWriter(path string, maxBytes int64, backups int) (*RotatingWriter, error) {
	if path == "" {
		return nil, errors.New("open log: no path")
	}
	w := &RotatingWriter{path: path, maxBytes: maxBytes, backups: max(backups, 0)}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *RotatingWriter) open() error {
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open log: %w", err)
	}
	// A file left readable by others (made by an older version or by hand)
	// is tightened: logs may name verification ids.
	if st.Mode().Perm()&0o077 != 0 {
		_ = f.Chmod(0o600)
	}
	w.f, w.size = f, st.Size()
	return nil
}

// Write appends p, rotating first when p would not fit. A single write
// larger than the limit goes to a fresh file on its own.
func (w *RotatingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return 0, ErrClosed
	}
	if w.maxBytes > 0 && w.size > 0 && w.size+int64(len(p)) > w.maxBytes {
		if err := w.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := w.f.Write(p)
	w.size += int64(n)
	if err != nil {
		return n, fmt.Errorf("write log: %w", err)
	}
	return n, nil
}

// rotate shifts path.N-1 → path.N … path → path.1 and reopens path.
func (w *RotatingWriter) rotate() error {
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("rotate log: %w", err)
	}
	w.f = nil
	if w.backups == 0 {
		if err := os.Remove(w.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("rotate log: %w", err)
		}
	} else {
		for i := w.backups - 1; i >= 1; i-- {
			err := os.Rename(w.backup(i), w.backup(i+1))
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("rotate log: %w", err)
			}
		}
		if err := os.Rename(w.path, w.backup(1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("rotate log: %w", err)
		}
	}
	return w.open()
}

func (w *RotatingWriter) backup(i int) string { return fmt.Sprintf("%s.%d", w.path, i) }

// Close closes the file; later writes fail with ErrClosed.
func (w *RotatingWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	if err != nil {
		return fmt.Errorf("close log: %w", err)
	}
	return nil
}
