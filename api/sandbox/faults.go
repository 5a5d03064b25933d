package sandbox

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Bounds of the faults: a fault never delays an answer longer than these.
const (
	MaxFaultLatency = 30 * time.Second
	MaxSlowBody     = 10 * time.Second
)

// Faults describe the failures the sandbox injects, for tests and demos.
// Each request draws once from a math/rand/v2 source seeded with Seed, so a
// run with the same seed and the same requests fails the same way.
//
// The rates are shares of the affected requests, each in [0, 1] and
// together at most 1: a request gets at most one of the failures.
type Faults struct {
	// Seed seeds the random source.
	Seed uint64
	// Latency is added before every affected request is handled, plus a
	// uniform random part below LatencyJitter; together at most
	// MaxFaultLatency.
	Latency       time.Duration
	LatencyJitter time.Duration
	// FailRate is the share answered with a 5xx status drawn uniformly
	// from Statuses (500, 502 and 503 when empty), without being handled.
	FailRate float64
	Statuses []int
	// ResetRate is the share handled, whose answer stops after half its
	// body and whose connection is then closed.
	ResetRate float64
	// MalformedRate is the share handled, whose answer is cut to half its
	// body: malformed JSON under the real status.
	MalformedRate float64
	// SlowRate is the share handled, whose body is written SlowChunk bytes
	// at a time every SlowInterval (the chunk grows so that the whole body
	// takes at most MaxSlowBody).
	SlowRate     float64
	SlowChunk    int
	SlowInterval time.Duration
	// Methods limits the faults to these methods; all when empty.
	Methods []string
	// Limit caps the number of failures injected in all (latency aside);
	// no cap when zero.
	Limit int
}

func (f Faults) enabled() bool {
	return f.Latency > 0 || f.LatencyJitter > 0 || f.FailRate > 0 || f.ResetRate > 0 ||
		f.MalformedRate > 0 || f.SlowRate > 0
}

type faultKind int

const (
	faultNone faultKind = iota
	faultFail
	faultReset
	faultMalformed
	faultSlow
)

type faultInjector struct {
	f Faults

	mu       sync.Mutex
	rng      *rand.Rand
	injected int
}

func newFaultInjector(f Faults) (*faultInjector, error) {
	rates := []float64{f.FailRate, f.ResetRate, f.MalformedRate, f.SlowRate}
	sum := 0.0
	for _, r := range rates {
		if r < 0 || r > 1 || math.IsNaN(r) {
			return nil, fmt.Errorf("%w: fault rates must lie in [0, 1]", ErrOptions)
		}
		sum += r
	}
	if sum > 1+1e-9 {
		return nil, fmt.Errorf("%w: fault rates add up to %.2f, more than 1", ErrOptions, sum)
	}
	if f.Latency < 0 || f.LatencyJitter < 0 || f.Latency+f.LatencyJitter > MaxFaultLatency {
		return nil, fmt.Errorf("%w: latency must lie in [0, %s]", ErrOptions, MaxFaultLatency)
	}
	if f.SlowChunk < 0 || f.SlowInterval < 0 || f.SlowInterval > time.Second || f.Limit < 0 {
		return nil, fmt.Errorf("%w: slow chunk, interval (at most 1s) and limit must not be negative", ErrOptions)
	}
	if f.SlowChunk == 0 {
		f.SlowChunk = 64
	}
	if f.SlowInterval == 0 {
		f.SlowInterval = 20 * time.Millisecond
	}
	f.Statuses = slices.Clone(f.Statuses)
	if len(f.Statuses) == 0 {
		f.Statuses = []int{500, 502, 503}
	}
	for _, st := range f.Statuses {
		if st < 500 || st > 599 {
			return nil, fmt.Errorf("%w: fault status %d is not a 5xx", ErrOptions, st)
		}
	}
	f.Methods = slices.Clone(f.Methods)
	for i, m := range f.Methods {
		f.Methods[i] = strings.ToUpper(m)
	}
	return &faultInjector{f: f, rng: rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))}, nil
}

// draw decides the latency and the failure of one request.
func (fi *faultInjector) draw(method string) (time.Duration, faultKind, int) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if len(fi.f.Methods) > 0 && !slices.Contains(fi.f.Methods, method) {
		return 0, faultNone, 0
	}
	delay := fi.f.Latency
	if fi.f.LatencyJitter > 0 {
		delay += time.Duration(fi.rng.Int64N(int64(fi.f.LatencyJitter)))
	}
	u := fi.rng.Float64()
	status := fi.f.Statuses[fi.rng.IntN(len(fi.f.Statuses))]
	if fi.f.Limit > 0 && fi.injected >= fi.f.Limit {
		return delay, faultNone, 0
	}
	kind := faultNone
	for _, c := range []struct {
		rate float64
		kind faultKind
	}{{fi.f.FailRate, faultFail}, {fi.f.ResetRate, faultReset}, {fi.f.MalformedRate, faultMalformed}, {fi.f.SlowRate, faultSlow}} {
		if u < c.rate {
			kind = c.kind
			break
		}
		u -= c.rate
	}
	if kind != faultNone {
		fi.injected++
	}
	return delay, kind, status
}

// Injected returns how many failures were injected so far.
func (s *Server) Injected() int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.injected
}

func (fi *faultInjector) wrap(next http.Handler) http.Handler {
	if !fi.f.enabled() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		delay, kind, status := fi.draw(r.Method)
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		switch kind {
		case faultNone:
			next.ServeHTTP(w, r)
		case faultFail:
			writeJSON(w, status, map[string]any{"success": false, "message": http.StatusText(status) + " (injected fault)"})
		default:
			rec := &bufferWriter{header: http.Header{}}
			next.ServeHTTP(rec, r)
			fi.replay(w, r, rec, kind)
		}
	})
}

// bufferWriter holds a handler's answer for a fault to replay it.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }

func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// replay writes a held answer damaged as kind says.
func (fi *faultInjector) replay(w http.ResponseWriter, r *http.Request, rec *bufferWriter, kind faultKind) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	body := rec.body.Bytes()
	rc := http.NewResponseController(w)
	switch kind {
	case faultMalformed:
		body = body[:len(body)/2]
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.status)
		_, _ = w.Write(body)
	case faultReset:
		// The header promises the whole body; half of it comes, then the
		// connection drops.
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.status)
		_, _ = w.Write(body[:len(body)/2])
		_ = rc.Flush()
		conn, _, err := rc.Hijack()
		if err != nil {
			panic(http.ErrAbortHandler) // HTTP/2 or a test recorder: abort the stream
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // a reset, not an orderly close
		}
		_ = conn.Close()
	case faultSlow:
		chunk := fi.f.SlowChunk
		if steps := int(MaxSlowBody / fi.f.SlowInterval); steps > 0 && len(body)/chunk > steps {
			chunk = len(body)/steps + 1
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.status)
		t := time.NewTicker(fi.f.SlowInterval)
		defer t.Stop()
		for len(body) > 0 {
			n := min(chunk, len(body))
			if _, err := w.Write(body[:n]); err != nil {
				return
			}
			_ = rc.Flush()
			body = body[n:]
			if len(body) == 0 {
				return
			}
			select {
			case <-t.C:
			case <-r.Context().Done():
				return
			}
		}
	}
}
