package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// progressLog collects ProgressFunc calls.
type progressLog struct {
	mu    sync.Mutex
	sent  []int64
	total []int64
	last  atomic.Int64
}

func (p *progressLog) fn(sent, total int64) {
	p.mu.Lock()
	p.sent = append(p.sent, sent)
	p.total = append(p.total, total)
	p.mu.Unlock()
	p.last.Store(sent)
}

func TestUploadProgressStreams(t *testing.T) {
	// The body is larger than loopback socket buffers can hold (wmem max
	// 4 MiB, a non-reading receiver's window far less), so a client that
	// counted the body before sending it would report it all sent before
	// the server had read a byte.
	const frame = 3 << 19
	img := DataURL("image/jpeg", []byte(strings.Repeat("\xff\xd8jpeg", frame/6)))
	req := UploadRequest{Cadrs: []string{img, img, img, img}, Passport: img, DocumentType: "passport", Country: "ru"}

	pl := &progressLog{}
	var atStartA, gotLenA, gotBytesA atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atStartA.Store(pl.last.Load())
		gotLenA.Store(r.ContentLength)
		n, _ := io.Copy(io.Discard, r.Body)
		gotBytesA.Store(n)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Upload(context.Background(), testUUID, req, pl.fn); err != nil {
		t.Fatal(err)
	}

	atStart, gotLen, gotBytes := atStartA.Load(), gotLenA.Load(), gotBytesA.Load()
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if len(pl.sent) < 10 {
		t.Fatalf("only %d progress calls for %d bytes", len(pl.sent), gotBytes)
	}
	total := pl.total[0]
	if total != gotBytes || gotLen != gotBytes {
		t.Errorf("progress total %d, Content-Length %d, server read %d", total, gotLen, gotBytes)
	}
	if atStart >= total {
		t.Errorf("all %d bytes were reported sent before the server read any", total)
	}
	for i := range pl.sent {
		if pl.total[i] != total {
			t.Fatalf("total changed to %d at call %d", pl.total[i], i)
		}
		if i > 0 && pl.sent[i] < pl.sent[i-1] {
			t.Fatalf("progress went back from %d to %d", pl.sent[i-1], pl.sent[i])
		}
	}
	if pl.sent[0] != 0 || pl.sent[len(pl.sent)-1] != total {
		t.Errorf("progress runs %d..%d, want 0..%d", pl.sent[0], pl.sent[len(pl.sent)-1], total)
	}
}

func TestVerifyProgressRestartsOnRetry(t *testing.T) {
	// A PUT retried after a dropped connection reports from zero again;
	// every attempt ends at the full size.
	pl := &progressLog{}
	c, rec, _, _ := newTestClient(t, nil, hangUp, reply(204, ``))
	req := UploadRequest{Cadrs: []string{DataURL("image/jpeg", make([]byte, 64<<10))}}
	if err := c.Upload(context.Background(), testUUID, req, pl.fn); err != nil {
		t.Fatal(err)
	}
	if rec.count() != 2 {
		t.Fatalf("server saw %d requests", rec.count())
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	total := int64(len(rec.last().Body))
	var starts, ends int
	for _, s := range pl.sent {
		switch s {
		case 0:
			starts++
		case total:
			ends++
		}
	}
	if starts < 2 || ends < 2 {
		t.Errorf("%d starts and %d ends over 2 attempts: %v", starts, ends, pl.sent)
	}
}

func TestVerifyProgress(t *testing.T) {
	pl := &progressLog{}
	c, rec, _, _ := newTestClient(t, nil, reply(200, `{"success":true,"score":0.5,"passed":false,"details":{}}`))
	req := &VerifyRequest{ChallengeToken: testToken, Frames: []LivenessFrame{{Image: DataURL("image/jpeg", make([]byte, 200<<10))}}}
	if _, err := c.VerifyLiveness(context.Background(), testUUID, req, pl.fn); err != nil {
		t.Fatal(err)
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if got, want := pl.sent[len(pl.sent)-1], int64(len(rec.last().Body)); got != want {
		t.Errorf("progress ended at %d, body is %d bytes", got, want)
	}
}

func TestEarlyAnswerToALargeUpload(t *testing.T) {
	// A proxy that refuses the size answers 413 before reading the body; the
	// client must report that answer, not the broken pipe that follows.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		_, _ = io.WriteString(w, `{"message":"Payload too large"}`)
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	img := DataURL("image/jpeg", make([]byte, 6<<20))
	_, err = c.VerifyLiveness(context.Background(), testUUID, &VerifyRequest{ChallengeToken: testToken, Frames: []LivenessFrame{{Image: img}}}, nil)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %v, want ErrTooLarge", err)
	}
}
