package flow

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/kycterm/kycterm/api"
)

// frameDataURL encodes a captured frame once and caches it.
func (s *Session) frameDataURL(c *Captured) (string, error) {
	if c.dataURL != "" {
		return c.dataURL, nil
	}
	b, err := encodeJPEG(c.Frame.Image, s.opts.MaxFrameWidth, s.opts.MaxFrameHeight, s.opts.JPEGQuality)
	if err != nil {
		return "", fmt.Errorf("frame %d: %w", c.Frame.Seq, err)
	}
	c.dataURL = api.DataURL("image/jpeg", b)
	wipeBytes(b)
	return c.dataURL, nil
}

// checkReady returns the captured frames once every challenge has its
// frames and the attempt's time is not up. The caller holds s.mu.
func (s *Session) checkReady() error {
	if s.liveness == nil {
		return ErrNoLiveness
	}
	for i, cs := range s.captures {
		if len(cs) < s.opts.FramesPerChallenge {
			return fmt.Errorf("%w: challenge %d (%s) has %d of %d", ErrIncomplete, i,
				s.liveness.Challenges[i].Type, len(cs), s.opts.FramesPerChallenge)
		}
	}
	if !s.deadline.IsZero() && s.opts.Clock().After(s.deadline) {
		return ErrExpired
	}
	return nil
}

// BuildVerifyRequest assembles the verify request from the captured frames,
// in the order they were taken:
// each frame's analysis goes in only where it was measured, and the
// anti-spoofing score is the mean of the measured ones, or left out.
func (s *Session) BuildVerifyRequest() (*api.VerifyRequest, error) {
	passport, err := s.documentURL()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkReady(); err != nil {
		return nil, err
	}
	req := &api.VerifyRequest{
		ChallengeToken: s.liveness.ChallengeToken,
		Passport:       passport,
		DocumentType:   s.documentType,
		Country:        s.country,
	}
	var spoofSum float64
	var spoofN int
	for i, cs := range s.captures {
		for _, c := range cs {
			url, err := s.frameDataURL(c)
			if err != nil {
				return nil, err
			}
			a := c.Analysis
			req.Frames = append(req.Frames, api.LivenessFrame{
				ChallengeIndex: i,
				Image:          url,
				Landmarks:      a.Landmarks,
				Blendshapes:    a.Blendshapes,
				HeadPose:       a.HeadPose,
				Timestamp:      float64(c.Frame.Wall.UnixNano()) / 1e9,
			})
			if a.AntiSpoof != nil {
				spoofSum += *a.AntiSpoof
				spoofN++
			}
		}
	}
	// Frames go in the order they were taken, as a video's would: a
	// recording replayed headless holds its segments in its own order,
	// not the server's challenge order.
	slices.SortStableFunc(req.Frames, func(a, b api.LivenessFrame) int { return cmp.Compare(a.Timestamp, b.Timestamp) })
	if spoofN > 0 {
		mean := spoofSum / float64(spoofN)
		req.AntiSpoofing.Score = &mean
	}
	return req, nil
}

// Upload sends the document and one face frame per challenge.
func (s *Session) Upload(ctx context.Context, progress api.ProgressFunc) error {
	passport, err := s.documentURL()
	if err != nil {
		return err
	}
	s.mu.Lock()
	if err := s.checkReady(); err != nil {
		s.mu.Unlock()
		return err
	}
	req := api.UploadRequest{Passport: passport, DocumentType: s.documentType, Country: s.country}
	for _, cs := range s.captures {
		url, err := s.frameDataURL(cs[0])
		if err != nil {
			s.mu.Unlock()
			return err
		}
		req.Cadrs = append(req.Cadrs, url)
	}
	s.mu.Unlock()
	if err := s.svc.Upload(ctx, s.uuid, req, progress); err != nil {
		return fmt.Errorf("upload photos and document: %w", err)
	}
	return nil
}

// Verify builds and sends the verify request.
func (s *Session) Verify(ctx context.Context, progress api.ProgressFunc) (*api.VerifyResponse, error) {
	req, err := s.BuildVerifyRequest()
	if err != nil {
		return nil, err
	}
	res, err := s.svc.VerifyLiveness(ctx, s.uuid, req, progress)
	if err != nil {
		return nil, fmt.Errorf("verify liveness: %w", err)
	}
	return res, nil
}
