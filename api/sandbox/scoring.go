package sandbox

import (
	"context"
	"fmt"
	"image"
	"math"
	"time"
)

// The scoring constants the package comment documents.
const (
	// WeightLiveness, WeightFaceMatch and WeightAntiSpoofing combine the
	// three component scores into score.
	WeightLiveness     = 0.40
	WeightFaceMatch    = 0.35
	WeightAntiSpoofing = 0.25
	// PassThreshold is the least combined score that passes.
	PassThreshold = 0.75
	// FloorLiveness, FloorFaceMatch and FloorAntiSpoofing are the least
	// component scores that pass.
	FloorLiveness     = 0.60
	FloorFaceMatch    = 0.50
	FloorAntiSpoofing = 0.50
	// UnknownAntiSpoofing is the base anti-spoofing score when the request
	// carries none.
	UnknownAntiSpoofing = 0.3
	// UnmeasuredAction is a challenge's action evidence when no frame
	// carries the measurement it needs.
	UnmeasuredAction = 0.5
	// ChallengePassEvidence is the evidence a challenge needs to count as
	// passed in details.challengesPassed.
	ChallengePassEvidence = 0.6
	// FramesPerChallenge is how many frames give a challenge full credit.
	FramesPerChallenge = 3
	// StillMAD is the mean absolute grey difference (of 255) between two
	// 32×24 thumbnails below which two frames are near-identical.
	StillMAD = 1.0
	// StillPenalty is how much of the anti-spoofing score a fully still
	// sequence loses.
	StillPenalty = 0.7
)

// FaceMatcher scores how well the face in document matches the faces in the
// frames, from 0 (different) to 1 (same).
type FaceMatcher interface {
	MatchFace(ctx context.Context, document image.Image, frames []image.Image) (float64, error)
}

// result is the outcome of one verify.
type result struct {
	Score   float64
	Passed  bool
	Details map[string]any
}

func clamp01(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}

func ramp(x, lo, hi float64) float64 { return clamp01((x - lo) / (hi - lo)) }

// round4 keeps four decimals, enough for a score and stable in JSON.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// actionEvidence is a_i of the package comment: the best frame's strength
// of the action, and whether any frame measured it.
func actionEvidence(challenge string, frames []frameIn) (float64, bool) {
	best, measured := 0.0, false
	for _, fr := range frames {
		var v float64
		var ok bool
		switch challenge {
		case "turn_left":
			if fr.yaw != nil {
				v, ok = ramp(*fr.yaw, 5, 20), true
			}
		case "turn_right":
			if fr.yaw != nil {
				v, ok = ramp(-*fr.yaw, 5, 20), true
			}
		case "blink":
			l, okl := fr.blend["eyeBlinkLeft"]
			r, okr := fr.blend["eyeBlinkRight"]
			if okl && okr {
				v, ok = ramp(math.Min(l, r), 0.2, 0.6), true
			}
		case "smile":
			l, okl := fr.blend["mouthSmileLeft"]
			r, okr := fr.blend["mouthSmileRight"]
			if okl && okr {
				v, ok = ramp((l+r)/2, 0.2, 0.6), true
			}
		case "open_mouth":
			if j, okj := fr.blend["jawOpen"]; okj {
				v, ok = ramp(j, 0.15, 0.5), true
			}
		}
		if ok {
			measured = true
			best = math.Max(best, v)
		}
	}
	if !measured {
		return UnmeasuredAction, false
	}
	return best, true
}

// livenessOf computes livenessScore and the per-challenge breakdown.
func livenessOf(in verifyIn, now time.Time, skew time.Duration) (float64, int, []map[string]any) {
	c := in.claims
	lo := float64(c.IssuedAt)/1e3 - skew.Seconds()
	hi := math.Min(float64(c.ExpiresAt)/1e3, float64(now.UnixMilli())/1e3) + skew.Seconds()
	byIndex := make([][]frameIn, len(c.Challenges))
	inWindow := make([]int, len(c.Challenges))
	prev := math.Inf(-1)
	for _, fr := range in.frames {
		if fr.index < 0 || fr.index >= len(c.Challenges) {
			continue
		}
		byIndex[fr.index] = append(byIndex[fr.index], fr)
		if fr.timestamp >= lo && fr.timestamp <= hi && fr.timestamp > prev {
			inWindow[fr.index]++
		}
		prev = fr.timestamp
	}
	total, passed := 0.0, 0
	per := make([]map[string]any, 0, len(c.Challenges))
	for i, ch := range c.Challenges {
		n := len(byIndex[i])
		var e, f, t, a float64
		measured := false
		if n > 0 {
			f = float64(min(n, FramesPerChallenge)) / FramesPerChallenge
			t = float64(inWindow[i]) / float64(n)
			a, measured = actionEvidence(ch, byIndex[i])
			e = f * t * a
		}
		total += e
		if e >= ChallengePassEvidence {
			passed++
		}
		per = append(per, map[string]any{
			"type":     ch,
			"frames":   n,
			"evidence": round4(e),
			"timing":   round4(t),
			"action":   round4(a),
			"measured": measured,
		})
	}
	return total / float64(len(c.Challenges)), passed, per
}

// stillShare is s of the package comment: the share of consecutive frame
// pairs whose grey thumbnails are near-identical.
func stillShare(frames []frameIn) float64 {
	if len(frames) < 2 {
		return 0
	}
	const tw, th = 32, 24
	still := 0
	prev := greyThumb(frames[0].img.img, frames[0].img.img.Bounds(), tw, th)
	for _, fr := range frames[1:] {
		cur := greyThumb(fr.img.img, fr.img.img.Bounds(), tw, th)
		mad := 0.0
		for i := range cur {
			mad += math.Abs(cur[i] - prev[i])
		}
		if mad/float64(len(cur)) < StillMAD {
			still++
		}
		prev = cur
	}
	return float64(still) / float64(len(frames)-1)
}

// score computes the verify result from the validated request.
func (s *Server) score(ctx context.Context, in verifyIn, now time.Time) (result, error) {
	liveness, passedN, per := livenessOf(in, now, s.opts.ClockSkew)

	base, measured := UnknownAntiSpoofing, false
	if in.antiScore != nil {
		base, measured = clamp01(*in.antiScore), true
	}
	still := stillShare(in.frames)
	anti := base * (1 - StillPenalty*still)

	imgs := make([]image.Image, len(in.frames))
	for i, fr := range in.frames {
		imgs[i] = fr.img.img
	}
	face, err := s.opts.FaceMatcher.MatchFace(ctx, in.passport.img, imgs)
	if err != nil {
		return result{}, fmt.Errorf("face match: %w", err)
	}
	face = clamp01(face)

	liveness, face, anti = round4(liveness), round4(face), round4(anti)
	score := round4(WeightLiveness*liveness + WeightFaceMatch*face + WeightAntiSpoofing*anti)
	passed := score >= PassThreshold && liveness >= FloorLiveness &&
		face >= FloorFaceMatch && anti >= FloorAntiSpoofing
	matcher := fmt.Sprintf("%T", s.opts.FaceMatcher)
	if n, ok := s.opts.FaceMatcher.(interface{ Name() string }); ok {
		matcher = n.Name()
	}
	return result{
		Score:  score,
		Passed: passed,
		Details: map[string]any{
			"livenessScore":        liveness,
			"faceMatchScore":       face,
			"antiSpoofingScore":    anti,
			"challengesPassed":     passedN,
			"challengesTotal":      len(in.claims.Challenges),
			"framesReceived":       len(in.frames),
			"stillFrameShare":      round4(still),
			"antiSpoofingMeasured": measured,
			"faceMatcher":          matcher,
			"threshold":            PassThreshold,
			"perChallenge":         per,
		},
	}, nil
}
