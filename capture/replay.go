package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kycterm/kycterm/capture/recording"
)

// Pace says how fast a recording or folder of images is replayed.
type Pace int

const (
	// RealTime delivers each frame at its recorded time after Start, like a
	// camera: a consumer slower than the recording loses frames (counted in
	// Stats.Dropped), exactly as with a live camera.
	RealTime Pace = iota
	// AsFastAsPossible delivers every frame, in order, as soon as Next asks
	// for it; frames keep their recorded times. Nothing is dropped. This is
	// the pace for headless runs and tests.
	AsFastAsPossible
)

// String returns "realtime" or "fast".
func (p Pace) String() string {
	switch p {
	case RealTime:
		return "realtime"
	case AsFastAsPossible:
		return "fast"
	}
	return "Pace(" + strconv.Itoa(int(p)) + ")"
}

// Clock is the time source of a replay; tests pass a fake one.
type Clock interface {
	// Now returns the current time, with a monotonic reading.
	Now() time.Time
	// After delivers the time once d has passed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real Clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// DefaultInterval is the time between frames of a plain folder of images,
// which records no times: 10 frames per second.
const DefaultInterval = 100 * time.Millisecond

// ReplayOptions configures a replayed source.
type ReplayOptions struct {
	// Pace is RealTime (the zero value) or AsFastAsPossible.
	Pace Pace
	// Loop starts again from the first frame after the last one instead of
	// ending with io.EOF. Times and sequence numbers keep increasing.
	Loop bool
	// Clock is the time source; nil means SystemClock.
	Clock Clock
	// Interval is the time between frames when the source records none
	// (plain folders, still images); zero means DefaultInterval.
	Interval time.Duration
	// RingSize is how many undelivered frames a RealTime replay keeps;
	// zero means 4.
	RingSize int
	// Label, when set, replays only the frames a recording's manifest
	// labels so (one challenge's segment), their times shifted to start at
	// zero. A recording with no such frame fails to open with ErrNoFrames.
	Label string
}

type entry struct {
	file  string // path inside fsys
	name  string // shown in errors
	t     time.Duration
	ci    int
	label string
}

// replay is a Source over a fixed list of image files.
type replay struct {
	fsys   fs.FS // nil: the OS file system (paths are OS paths)
	frames []entry
	period time.Duration
	opts   ReplayOptions

	mu        sync.Mutex
	started   bool
	closed    bool
	ctx       context.Context
	cancel    context.CancelFunc
	done      chan struct{}
	startMono time.Time
	startWall time.Time
	pos       int
	loops     int
	seq       uint64
	latest    Frame
	hasLatest bool
	delivered uint64
	cache     *Frame // the decoded frame of a one-frame source
	ring      *Ring
}

func newReplay(fsys fs.FS, frames []entry, opts ReplayOptions) *replay {
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.RingSize <= 0 {
		opts.RingSize = 4
	}
	r := &replay{fsys: fsys, frames: frames, opts: opts}
	// A loop restarts one frame interval after the last frame.
	gap := opts.Interval
	if n := len(frames); n > 1 {
		gap = (frames[n-1].t - frames[0].t) / time.Duration(n-1)
		if gap <= 0 {
			gap = opts.Interval
		}
	}
	r.period = frames[len(frames)-1].t + gap
	return r
}

// OpenDir opens a folder for replay: a recording (a folder with
// manifest.json, see docs/recording.md) or a plain folder of JPEG/PNG frames
// named <challengeIndex>-<n>.jpg|png, replayed sorted by challenge index then
// n, DefaultInterval (or opts.Interval) apart. Other files in a plain folder
// are ignored. Errors name the file at fault.
func OpenDir(dir string, opts ReplayOptions) (Source, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("open recording %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("open recording %s: not a folder", dir)
	}
	return openFS(os.DirFS(dir), ".", func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }, opts)
}

// OpenRecordingFS opens the recording (or plain folder of frames, as
// OpenDir) at dir inside fsys, e.g. a recording embedded with go:embed.
func OpenRecordingFS(fsys fs.FS, dir string, opts ReplayOptions) (Source, error) {
	if !fs.ValidPath(dir) {
		return nil, fmt.Errorf("open recording %s: invalid path", dir)
	}
	return openFS(fsys, dir, func(p string) string { return p }, opts)
}

func openFS(fsys fs.FS, dir string, display func(string) string, opts ReplayOptions) (Source, error) {
	mpath := path.Join(dir, recording.ManifestFile)
	f, err := fsys.Open(mpath)
	switch {
	case err == nil:
		defer f.Close()
		m, err := recording.Parse(f)
		if err != nil {
			return nil, fmt.Errorf("open recording %s: %w", display(mpath), err)
		}
		frames := make([]entry, len(m.Frames))
		for i, mf := range m.Frames {
			ci := -1
			if mf.ChallengeIndex != nil {
				ci = *mf.ChallengeIndex
			}
			p := path.Join(dir, mf.File)
			frames[i] = entry{file: p, name: display(p), t: time.Duration(mf.T * float64(time.Second)), ci: ci, label: mf.Label}
		}
		if frames, err = withLabel(frames, opts.Label); err != nil {
			return nil, fmt.Errorf("open recording %s: %w", display(dir), err)
		}
		if err := checkFiles(fsys, frames); err != nil {
			return nil, fmt.Errorf("open recording %s: %w", display(dir), err)
		}
		return newReplay(fsys, frames, opts), nil
	case errors.Is(err, fs.ErrNotExist):
		frames, err := plainFolder(fsys, dir, display, opts)
		if err != nil {
			return nil, err
		}
		if frames, err = withLabel(frames, opts.Label); err != nil {
			return nil, fmt.Errorf("open frames folder %s: %w", display(dir), err)
		}
		return newReplay(fsys, frames, opts), nil
	default:
		return nil, fmt.Errorf("open recording %s: %w", display(mpath), err)
	}
}

// ErrNoFrames reports a ReplayOptions.Label that no frame of the
// recording carries.
var ErrNoFrames = errors.New("no frames")

// withLabel keeps the frames labelled label, shifted to start at time
// zero; an empty label keeps every frame.
func withLabel(frames []entry, label string) ([]entry, error) {
	if label == "" {
		return frames, nil
	}
	var out []entry
	for _, e := range frames {
		if e.label == label {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w labelled %q", ErrNoFrames, label)
	}
	t0 := out[0].t
	for i := range out {
		out[i].t -= t0
	}
	return out, nil
}

// checkFiles verifies that every frame file exists, is a regular file and is
// within MaxImageBytes, so a broken recording fails at open, not mid-replay.
func checkFiles(fsys fs.FS, frames []entry) error {
	for _, e := range frames {
		st, err := fs.Stat(fsys, e.file)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("frame file %s is missing", e.name)
			}
			return fmt.Errorf("frame file %s: %w", e.name, err)
		}
		if !st.Mode().IsRegular() {
			return fmt.Errorf("frame file %s is not a regular file", e.name)
		}
		if st.Size() > MaxImageBytes {
			return fmt.Errorf("frame file %s: %w: %d bytes", e.name, ErrImageTooLarge, st.Size())
		}
	}
	return nil
}

// ParseFrameName parses a plain folder's frame file name
// <challengeIndex>-<n>.jpg|jpeg|png.
func ParseFrameName(name string) (challengeIndex, n int, err error) {
	if recording.ImageType(name) == "" {
		return 0, 0, fmt.Errorf("%w: %q", ErrBadFrameName, name)
	}
	stem := strings.TrimSuffix(name, path.Ext(name))
	a, b, ok := strings.Cut(stem, "-")
	if !ok {
		return 0, 0, fmt.Errorf("%w: %q", ErrBadFrameName, name)
	}
	ci, err1 := parseSmallUint(a)
	n, err2 := parseSmallUint(b)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("%w: %q", ErrBadFrameName, name)
	}
	return ci, n, nil
}

func parseSmallUint(s string) (int, error) {
	if s == "" || len(s) > 9 {
		return 0, strconv.ErrSyntax
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.Atoi(s)
}

func plainFolder(fsys fs.FS, dir string, display func(string) string, opts ReplayOptions) ([]entry, error) {
	des, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("open frames folder %s: %w", display(dir), err)
	}
	type named struct {
		entry
		n int
	}
	var list []named
	for _, de := range des {
		name := de.Name()
		if de.IsDir() || strings.HasPrefix(name, ".") || recording.ImageType(name) == "" {
			continue
		}
		p := path.Join(dir, name)
		ci, n, err := ParseFrameName(name)
		if err != nil {
			return nil, fmt.Errorf("open frames folder %s: file %s: %w", display(dir), display(p), err)
		}
		list = append(list, named{entry{file: p, name: display(p), ci: ci}, n})
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("open frames folder %s: no manifest.json and no frames named <challengeIndex>-<n>.jpg|png", display(dir))
	}
	if len(list) > recording.MaxFrames {
		return nil, fmt.Errorf("open frames folder %s: more than %d frames", display(dir), recording.MaxFrames)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].ci != list[j].ci {
			return list[i].ci < list[j].ci
		}
		if list[i].n != list[j].n {
			return list[i].n < list[j].n
		}
		return list[i].file < list[j].file
	})
	interval := opts.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	frames := make([]entry, len(list))
	for i, e := range list {
		e.t = time.Duration(i) * interval
		frames[i] = e.entry
	}
	if err := checkFiles(fsys, frames); err != nil {
		return nil, fmt.Errorf("open frames folder %s: %w", display(dir), err)
	}
	return frames, nil
}

// OpenImage opens a single still image (a JPEG or PNG file, e.g. a passport
// photo) as a source delivering that one frame, then io.EOF (or the same
// frame every opts.Interval with Loop). The file is read and decoded here,
// so every problem shows at once: errors name the file and wrap
// ErrUnsupportedImage, ErrImageTooLarge or ErrCorruptFrame.
func OpenImage(file string) (Source, error) {
	return OpenImageWith(file, ReplayOptions{Pace: AsFastAsPossible})
}

// OpenImageWith is OpenImage with replay options.
func OpenImageWith(file string, opts ReplayOptions) (Source, error) {
	return openImage(nil, file, opts)
}

// OpenImageFS is OpenImageWith for an image inside fsys, e.g. one embedded
// with go:embed.
func OpenImageFS(fsys fs.FS, file string, opts ReplayOptions) (Source, error) {
	if !fs.ValidPath(file) {
		return nil, fmt.Errorf("open image %s: invalid path", file)
	}
	return openImage(fsys, file, opts)
}

func openImage(fsys fs.FS, file string, opts ReplayOptions) (Source, error) {
	data, err := readImageFile(fsys, file, file)
	if err != nil {
		return nil, err
	}
	img, _, err := DecodeImage(file, data)
	if err != nil {
		return nil, err
	}
	r := newReplay(fsys, []entry{{file: file, name: file, ci: -1}}, opts)
	r.cache = &Frame{Image: img, ChallengeIndex: -1}
	return r, nil
}

// Start implements Source.
func (r *replay) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	if r.started {
		return errors.New("start replay: already started")
	}
	r.started = true
	r.ctx, r.cancel = context.WithCancel(ctx)
	r.startMono = r.opts.Clock.Now()
	r.startWall = r.startMono.Round(0)
	if r.opts.Pace == RealTime {
		r.ring = NewRing(r.opts.RingSize)
		r.done = make(chan struct{})
		go r.produce()
	}
	return nil
}

// take reserves the next frame to deliver; it must be called with r.mu held.
func (r *replay) take() (e entry, offset time.Duration, seq uint64, ok bool) {
	if r.pos == len(r.frames) {
		if !r.opts.Loop {
			return entry{}, 0, 0, false
		}
		r.pos = 0
		r.loops++
	}
	e = r.frames[r.pos]
	r.pos++
	seq = r.seq
	r.seq++
	return e, time.Duration(r.loops)*r.period + e.t, seq, true
}

func (r *replay) load(e entry, offset time.Duration, seq uint64) (Frame, error) {
	var f Frame
	r.mu.Lock()
	cache := r.cache
	r.mu.Unlock()
	if cache != nil {
		f = *cache
	} else {
		data, err := readImageFile(r.fsys, e.file, e.name)
		if err != nil {
			return Frame{}, err
		}
		img, _, err := DecodeImage(e.name, data)
		if err != nil {
			return Frame{}, err
		}
		f.Image = img
		if len(r.frames) == 1 {
			c := f
			r.mu.Lock()
			r.cache = &c
			r.mu.Unlock()
		}
	}
	f.Seq = seq
	f.Mono = r.startMono.Add(offset)
	f.Wall = r.startWall.Add(offset)
	f.ChallengeIndex = e.ci
	f.Label = e.label
	return f, nil
}

func (r *replay) produce() {
	defer close(r.done)
	for {
		r.mu.Lock()
		e, offset, seq, ok := r.take()
		r.mu.Unlock()
		if !ok {
			r.ring.Close(io.EOF)
			return
		}
		f, err := r.load(e, offset, seq)
		if err != nil {
			r.ring.Close(err)
			return
		}
		if wait := offset - r.opts.Clock.Now().Sub(r.startMono); wait > 0 {
			select {
			case <-r.opts.Clock.After(wait):
			case <-r.ctx.Done():
				r.ring.Close(ErrClosed)
				return
			}
		}
		if r.ctx.Err() != nil {
			r.ring.Close(ErrClosed)
			return
		}
		r.ring.Push(f)
	}
}

// Next implements Source.
func (r *replay) Next(ctx context.Context) (Frame, error) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return Frame{}, ErrClosed
	}
	if !r.started {
		r.mu.Unlock()
		return Frame{}, ErrNotStarted
	}
	if err := r.ctx.Err(); err != nil {
		r.mu.Unlock()
		return Frame{}, ErrClosed
	}
	if ring := r.ring; ring != nil {
		r.mu.Unlock()
		return ring.Next(ctx)
	}
	if err := ctx.Err(); err != nil {
		r.mu.Unlock()
		return Frame{}, err
	}
	e, offset, seq, ok := r.take()
	r.mu.Unlock()
	if !ok {
		return Frame{}, io.EOF
	}
	f, err := r.load(e, offset, seq)
	if err != nil {
		return Frame{}, err
	}
	r.mu.Lock()
	r.latest, r.hasLatest = f, true
	r.delivered++
	r.mu.Unlock()
	return f, nil
}

// Latest implements Source.
func (r *replay) Latest() (Frame, bool) {
	r.mu.Lock()
	ring := r.ring
	f, ok := r.latest, r.hasLatest
	r.mu.Unlock()
	if ring != nil {
		return ring.Latest()
	}
	return f, ok
}

// Stats implements StatsReporter.
func (r *replay) Stats() Stats {
	r.mu.Lock()
	ring := r.ring
	s := Stats{Produced: r.delivered, Delivered: r.delivered}
	r.mu.Unlock()
	if ring != nil {
		return ring.Stats()
	}
	return s
}

// Close implements Source.
func (r *replay) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	cancel, done, ring := r.cancel, r.done, r.ring
	r.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if done != nil {
		<-done
	}
	if ring != nil {
		ring.Close(ErrClosed)
	}
	return nil
}
