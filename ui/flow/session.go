package flow

import (
	"context"
	"errors"
	"fmt"
	"image"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
)

// Errors callers branch on.
var (
	// ErrNotAllowed reports a document type or country the verification's
	// restrictions do not allow.
	ErrNotAllowed = errors.New("not allowed for this verification")
	// ErrNoDocument reports a step that needs the document image before
	// one was set.
	ErrNoDocument = errors.New("no document image yet")
	// ErrNoLiveness reports a liveness step before StartLiveness.
	ErrNoLiveness = errors.New("liveness check not started")
	// ErrChallengeRange reports a challenge index outside the server's list.
	ErrChallengeRange = errors.New("challenge index out of range")
	// ErrIncomplete reports a verify attempted before every challenge has
	// its frames.
	ErrIncomplete = errors.New("not every challenge has its frames")
	// ErrExpired reports that the liveness attempt's time ran out; start
	// liveness again.
	ErrExpired = errors.New("liveness time is up")
)

// Options are the flow's settings, from the configuration.
type Options struct {
	// FramesPerChallenge is how many frames each challenge sends.
	FramesPerChallenge int
	// JPEGQuality is the quality frames and documents are encoded at.
	JPEGQuality int
	// MaxFrameWidth and MaxFrameHeight bound uploaded frames; larger ones
	// are scaled down keeping their aspect ratio.
	MaxFrameWidth, MaxFrameHeight int
	// MaxDocumentSide bounds the longer side of the uploaded document.
	MaxDocumentSide int
	// Clock is the time source; nil means time.Now.
	Clock func() time.Time
}

// DefaultOptions returns the settings used when the configuration gives none.
func DefaultOptions() Options {
	return Options{
		FramesPerChallenge: 3,
		JPEGQuality:        85,
		MaxFrameWidth:      640,
		MaxFrameHeight:     480,
		MaxDocumentSide:    1600,
	}
}

func (o Options) normalized() Options {
	d := DefaultOptions()
	if o.FramesPerChallenge <= 0 {
		o.FramesPerChallenge = d.FramesPerChallenge
	}
	if o.JPEGQuality <= 0 || o.JPEGQuality > 100 {
		o.JPEGQuality = d.JPEGQuality
	}
	if o.MaxFrameWidth <= 0 {
		o.MaxFrameWidth = d.MaxFrameWidth
	}
	if o.MaxFrameHeight <= 0 {
		o.MaxFrameHeight = d.MaxFrameHeight
	}
	if o.MaxDocumentSide <= 0 {
		o.MaxDocumentSide = d.MaxDocumentSide
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return o
}

// Analysis is what local face analysis measured on one frame. A nil field
// was not measured and is left out of the verify request.
type Analysis struct {
	Landmarks   *api.Landmarks
	Blendshapes map[string]float64
	HeadPose    *api.HeadPose
	// AntiSpoof is the real-face probability in [0,1].
	AntiSpoof *float64
}

// Captured is one frame kept for a challenge, with its analysis.
type Captured struct {
	Frame    capture.Frame
	Analysis Analysis
	// dataURL caches the encoded frame; the upload and the verify request
	// both send it.
	dataURL string
}

// Session is one customer's verification in progress. Its methods are safe
// for use from several goroutines (the TUI's commands run concurrently).
type Session struct {
	svc  Service
	opts Options

	mu           sync.Mutex
	uuid         string
	params       *api.Params
	document     []byte
	documentMIME string
	documentType string
	country      string
	liveness     *api.StartLivenessResponse
	deadline     time.Time
	captures     [][]*Captured
}

// Open checks the UUID and starts the verification's session.
func Open(ctx context.Context, svc Service, uuid string, opts Options) (*Session, error) {
	uuid = strings.TrimSpace(uuid)
	if !api.ValidUUID(uuid) {
		return nil, fmt.Errorf("%w: %q", api.ErrInvalidUUID, uuid)
	}
	p, err := svc.StartSession(ctx, uuid)
	if err != nil {
		return nil, fmt.Errorf("start session: %w", err)
	}
	return &Session{svc: svc, opts: opts.normalized(), uuid: uuid, params: p}, nil
}

// UUID returns the verification's id.
func (s *Session) UUID() string { return s.uuid }

// Params returns the session state the service last reported.
func (s *Session) Params() api.Params {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.params == nil {
		return api.Params{}
	}
	return *s.params
}

// RefreshParams asks the service for the session state again.
func (s *Session) RefreshParams(ctx context.Context) (api.Params, error) {
	p, err := s.svc.Params(ctx, s.uuid)
	if err != nil {
		return api.Params{}, fmt.Errorf("session parameters: %w", err)
	}
	s.mu.Lock()
	s.params = p
	s.mu.Unlock()
	return *p, nil
}

// SetDocumentInfo records the document type and issuing country, checked
// against the verification's restrictions.
func (s *Session) SetDocumentInfo(documentType, country string) error {
	documentType = strings.TrimSpace(documentType)
	country = strings.ToLower(strings.TrimSpace(country))
	if documentType == "" {
		return errors.New("choose a document type")
	}
	if len(country) != 2 {
		return fmt.Errorf("country %q: use the two-letter ISO code, e.g. \"ru\"", country)
	}
	p := s.Params()
	if !allowed(p.Restrictions.AllowedDocumentTypes, documentType) {
		return fmt.Errorf("document type %q: %w (allowed: %s)", documentType, ErrNotAllowed, strings.Join(p.Restrictions.AllowedDocumentTypes, ", "))
	}
	if !CountryAllowed(p.Restrictions, country) {
		return fmt.Errorf("country %q: %w (allowed: %s)", country, ErrNotAllowed, strings.Join(p.Restrictions.AllowedCountries, ", "))
	}
	s.mu.Lock()
	s.documentType, s.country = documentType, country
	s.mu.Unlock()
	return nil
}

// DocumentInfo returns the document type and country set so far.
func (s *Session) DocumentInfo() (documentType, country string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.documentType, s.country
}

// allowed reports whether v is in list; an empty list allows everything.
func allowed(list []string, v string) bool {
	return len(list) == 0 || slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) })
}

// CountryAllowed applies a verification's country restriction: mode
// "whitelist" allows only the listed countries, anything else allows all.
func CountryAllowed(r api.Restrictions, country string) bool {
	if !strings.EqualFold(r.CountryMode, "whitelist") {
		return true
	}
	return slices.ContainsFunc(r.AllowedCountries, func(x string) bool { return strings.EqualFold(x, country) })
}

// SetDocument takes the document photo as file bytes (JPEG or PNG); name
// (the file's) is shown in errors. A photo larger than the configured side
// is scaled down and re-encoded.
func (s *Session) SetDocument(name string, data []byte) error {
	img, kind, err := capture.DecodeImage(name, data)
	if err != nil {
		return err
	}
	out, outMIME := data, "image/"+kind
	if b := img.Bounds(); max(b.Dx(), b.Dy()) > s.opts.MaxDocumentSide {
		out, err = encodeJPEG(img, s.opts.MaxDocumentSide, s.opts.MaxDocumentSide, s.opts.JPEGQuality)
		if err != nil {
			return fmt.Errorf("document image: %w", err)
		}
		outMIME = "image/jpeg"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wipeBytes(s.document)
	s.document = slices.Clone(out)
	s.documentMIME = outMIME
	return nil
}

// SetDocumentImage takes the document photo from a camera frame.
func (s *Session) SetDocumentImage(img image.Image) error {
	out, err := encodeJPEG(img, s.opts.MaxDocumentSide, s.opts.MaxDocumentSide, s.opts.JPEGQuality)
	if err != nil {
		return fmt.Errorf("document image: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wipeBytes(s.document)
	s.document, s.documentMIME = out, "image/jpeg"
	return nil
}

// HasDocument reports whether a document image is held.
func (s *Session) HasDocument() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.document) > 0
}

func (s *Session) documentURL() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.document) == 0 {
		return "", ErrNoDocument
	}
	return api.DataURL(s.documentMIME, s.document), nil
}

// Recognize runs the service's OCR on the document image.
func (s *Session) Recognize(ctx context.Context) (*api.RecognizeResponse, error) {
	img, err := s.documentURL()
	if err != nil {
		return nil, err
	}
	docType, country := s.DocumentInfo()
	res, err := s.svc.RecognizeDocument(ctx, s.uuid, api.RecognizeRequest{Image: img, DocumentType: docType, Country: country})
	if err != nil {
		return nil, fmt.Errorf("recognize document: %w", err)
	}
	return res, nil
}

// Check sends the document fields the operator confirmed.
func (s *Session) Check(ctx context.Context, req api.CheckRequest) (api.Params, error) {
	if req.DocumentType == "" {
		req.DocumentType, _ = s.DocumentInfo()
	}
	p, err := s.svc.CheckDocument(ctx, s.uuid, req)
	if err != nil {
		return api.Params{}, fmt.Errorf("check document: %w", err)
	}
	s.mu.Lock()
	s.params = p
	s.mu.Unlock()
	return *p, nil
}

// StartLiveness asks the service for challenges and a token, dropping any
// frames of an earlier attempt.
func (s *Session) StartLiveness(ctx context.Context) (api.StartLivenessResponse, error) {
	res, err := s.svc.StartLiveness(ctx, s.uuid)
	if err != nil {
		return api.StartLivenessResponse{}, fmt.Errorf("start liveness: %w", err)
	}
	if len(res.Challenges) == 0 {
		return api.StartLivenessResponse{}, errors.New("start liveness: the service sent no challenges")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wipeCaptures()
	s.liveness = res
	s.deadline = time.Time{}
	if res.TimeoutSeconds > 0 {
		s.deadline = s.opts.Clock().Add(time.Duration(res.TimeoutSeconds) * time.Second)
	}
	s.captures = make([][]*Captured, len(res.Challenges))
	return *res, nil
}

// Challenges returns the current attempt's challenges, or nil before
// StartLiveness.
func (s *Session) Challenges() []api.Challenge {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.liveness == nil {
		return nil
	}
	return slices.Clone(s.liveness.Challenges)
}

// TimeLeft returns how long the liveness attempt has left; ok is false when
// the service set no limit or liveness has not started.
func (s *Session) TimeLeft() (left time.Duration, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.deadline.IsZero() {
		return 0, false
	}
	return max(s.deadline.Sub(s.opts.Clock()), 0), true
}

// AddCapture keeps a frame for challenge i. Frames beyond the configured
// count are refused with done = true, so auto-capture can stop.
func (s *Session) AddCapture(i int, f capture.Frame, a Analysis) (done bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.liveness == nil {
		return false, ErrNoLiveness
	}
	if i < 0 || i >= len(s.captures) {
		return false, fmt.Errorf("%w: %d of %d", ErrChallengeRange, i, len(s.captures))
	}
	if len(s.captures[i]) >= s.opts.FramesPerChallenge {
		return true, nil
	}
	s.captures[i] = append(s.captures[i], &Captured{Frame: f, Analysis: a})
	return len(s.captures[i]) >= s.opts.FramesPerChallenge, nil
}

// Progress returns how many frames each challenge holds and how many it needs.
func (s *Session) Progress() (have []int, need int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	have = make([]int, len(s.captures))
	for i, c := range s.captures {
		have[i] = len(c)
	}
	return have, s.opts.FramesPerChallenge
}

// Retake drops the frames of challenge i.
func (s *Session) Retake(i int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < 0 || i >= len(s.captures) {
		return fmt.Errorf("%w: %d of %d", ErrChallengeRange, i, len(s.captures))
	}
	for _, c := range s.captures[i] {
		c.wipe()
	}
	s.captures[i] = nil
	return nil
}

// Complete reports whether every challenge has all its frames.
func (s *Session) Complete() bool {
	have, need := s.Progress()
	if len(have) == 0 {
		return false
	}
	for _, h := range have {
		if h < need {
			return false
		}
	}
	return true
}

// Wipe zeroes and drops everything held for this customer.
func (s *Session) Wipe() {
	s.mu.Lock()
	defer s.mu.Unlock()
	wipeBytes(s.document)
	s.document, s.documentMIME = nil, ""
	s.wipeCaptures()
	s.captures = nil
	s.liveness = nil
	s.params = nil
}

func (s *Session) wipeCaptures() {
	for _, cs := range s.captures {
		for _, c := range cs {
			c.wipe()
		}
	}
}

func (c *Captured) wipe() {
	wipeImage(c.Frame.Image)
	wipeBytes(c.Frame.Raw)
	*c = Captured{}
}
