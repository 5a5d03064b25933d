package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kycterm/kycterm/api"
)

// Token errors, as verify reports them on the challengeToken field.
var (
	ErrTokenInvalid   = errors.New("challenge token invalid")
	ErrTokenExpired   = errors.New("challenge token expired")
	ErrTokenUsed      = errors.New("challenge token already used")
	ErrTokenOtherUUID = errors.New("challenge token issued for another verification")
)

// tokenMessage is the 422 message of a token error.
func tokenMessage(err error) string {
	switch {
	case errors.Is(err, ErrTokenExpired):
		return "The challenge token has expired."
	case errors.Is(err, ErrTokenUsed):
		return "The challenge token has already been used."
	case errors.Is(err, ErrTokenOtherUUID):
		return "The challenge token was issued for another verification."
	default:
		return "The challenge token is invalid."
	}
}

// ChallengeTypes returns the challenges liveness/start draws from.
func ChallengeTypes() []string {
	return []string{"turn_left", "turn_right", "blink", "smile", "open_mouth"}
}

// challengesPerAttempt is how many distinct challenges one attempt gets.
const challengesPerAttempt = 3

// instruction is the text sent with object-shaped challenges.
func instruction(c string) string {
	switch c {
	case "turn_left":
		return "Turn your head to your left"
	case "turn_right":
		return "Turn your head to your right"
	case "blink":
		return "Blink"
	case "smile":
		return "Smile"
	default:
		return "Open your mouth"
	}
}

// claims is the signed payload of a challenge token.
type claims struct {
	UUID       string   `json:"uuid"`
	Challenges []string `json:"challenges"`
	IssuedAt   int64    `json:"iat"` // Unix milliseconds
	ExpiresAt  int64    `json:"exp"` // Unix milliseconds
	Nonce      string   `json:"nonce"`
}

func (s *Server) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, s.secret)
	m.Write(payload)
	return m.Sum(nil)
}

// signToken returns base64url(payload) "." base64url(HMAC-SHA256(payload)).
func (s *Server) signToken(c claims) (string, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(s.mac(payload)), nil
}

// parseToken checks the token's signature, UUID and expiry; whether its
// nonce was consumed is the caller's to check.
func (s *Server) parseToken(tok, uuid string, now time.Time) (claims, error) {
	p, sig, ok := strings.Cut(tok, ".")
	if !ok || strings.Contains(sig, ".") {
		return claims{}, ErrTokenInvalid
	}
	enc := base64.RawURLEncoding
	payload, err := enc.DecodeString(p)
	if err != nil {
		return claims{}, ErrTokenInvalid
	}
	mac, err := enc.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, s.mac(payload)) {
		return claims{}, ErrTokenInvalid
	}
	var c claims
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || len(c.Challenges) == 0 || c.Nonce == "" {
		return claims{}, ErrTokenInvalid
	}
	if c.UUID != uuid {
		return claims{}, ErrTokenOtherUUID
	}
	if now.UnixMilli() >= c.ExpiresAt {
		return claims{}, ErrTokenExpired
	}
	return c, nil
}

// pickChallenges draws challengesPerAttempt distinct challenges uniformly.
func (s *Server) pickChallenges() ([]string, error) {
	pool := ChallengeTypes()
	for i := 0; i < challengesPerAttempt; i++ {
		n := len(pool) - i
		var b [1]byte
		for {
			if _, err := io.ReadFull(s.opts.Rand, b[:]); err != nil {
				return nil, fmt.Errorf("pick challenges: %w", err)
			}
			// Reject the top of the byte range so that j is uniform.
			if int(b[0]) < 256-256%n {
				break
			}
		}
		j := i + int(b[0])%n
		pool[i], pool[j] = pool[j], pool[i]
	}
	return pool[:challengesPerAttempt], nil
}

func (s *Server) handleLivenessStart(w http.ResponseWriter, r *http.Request) {
	v, ok := s.snapshot(r)
	if !ok {
		notFound(w)
		return
	}
	chs, err := s.pickChallenges()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var nonce [16]byte
	if _, err := io.ReadFull(s.opts.Rand, nonce[:]); err != nil {
		s.serverError(w, r, fmt.Errorf("nonce: %w", err))
		return
	}
	now := s.now()
	tok, err := s.signToken(claims{
		UUID:       v.UUID,
		Challenges: chs,
		IssuedAt:   now.UnixMilli(),
		ExpiresAt:  now.Add(s.opts.TokenTTL).UnixMilli(),
		Nonce:      hex.EncodeToString(nonce[:]),
	})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := api.StartLivenessResponse{
		Success:        true,
		ChallengeToken: tok,
		TimeoutSeconds: int(s.opts.TokenTTL / time.Second),
	}
	for _, c := range chs {
		ch := api.NewChallenge(c)
		if s.opts.ObjectChallenges {
			text, _ := json.Marshal(instruction(c))
			ch.Extra = map[string]json.RawMessage{"instruction": text}
		}
		out.Challenges = append(out.Challenges, ch)
	}
	writeJSON(w, http.StatusOK, out)
}

// frameIn is one validated frame of a verify request.
type frameIn struct {
	index     int
	img       decoded
	timestamp float64
	yaw       *float64
	blend     map[string]float64
}

// verifyIn is a validated verify request.
type verifyIn struct {
	claims    claims
	frames    []frameIn
	antiScore *float64
	passport  decoded
}

// decodeVerify validates a verify request body, read into f, against the
// verification v at time now. It reports every problem in f's errors; the
// result is usable only when they stay empty. It never panics on any
// input.
func (s *Server) decodeVerify(f form, v *api.Verification, now time.Time) verifyIn {
	var in verifyIn
	budget := s.budget()
	tokOK := false
	if tok, ok := f.str("challengeToken", true); ok {
		c, err := s.parseToken(tok, v.UUID, now)
		if err == nil && s.nonceUsed(c.Nonce) {
			err = ErrTokenUsed
		}
		if err != nil {
			f.fe.add("challengeToken", tokenMessage(err))
		} else {
			in.claims, tokOK = c, true
		}
	}
	if items, ok := f.array("frames", true); ok {
		if len(items) > s.opts.MaxFrames {
			f.fail("frames", fmt.Sprintf("The %%s field must not have more than %d items.", s.opts.MaxFrames))
		} else {
			in.frames = make([]frameIn, 0, len(items))
			for i, raw := range items {
				fr, ok := s.decodeFrame(raw, "frames."+strconv.Itoa(i)+".", f.fe, budget)
				if !ok {
					continue
				}
				if tokOK && fr.index >= len(in.claims.Challenges) {
					form{prefix: "frames." + strconv.Itoa(i) + ".", fe: f.fe}.fail("challengeIndex",
						fmt.Sprintf("The %%s field must be less than %d.", len(in.claims.Challenges)))
				}
				in.frames = append(in.frames, fr)
			}
		}
	}
	if as, ok := f.object("antiSpoofing", true); ok {
		sub := form{m: as, prefix: "antiSpoofing.", fe: f.fe}
		if score, ok := sub.number("score", false); ok {
			in.antiScore = &score
		}
	}
	in.passport, _ = f.image("passport", budget)
	f.document("documentType", true, v)
	return in
}

// decodeFrame validates one frame object under prefix.
func (s *Server) decodeFrame(raw json.RawMessage, prefix string, fe *fieldErrors, budget *pixelBudget) (frameIn, bool) {
	var m map[string]json.RawMessage
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		fe.add(strings.TrimSuffix(prefix, "."), "The "+strings.TrimSuffix(prefix, ".")+" field must be an object.")
		return frameIn{}, false
	}
	f := form{m: m, prefix: prefix, fe: fe}
	before := len(fe.order)
	var fr frameIn
	if idx, ok := f.integer("challengeIndex", true); ok {
		if idx < 0 || idx > math.MaxInt32 {
			f.fail("challengeIndex", "The %s field must be at least 0.")
		}
		fr.index = int(idx)
	}
	fr.img, _ = f.image("image", budget)
	fr.timestamp, _ = f.number("timestamp", true)
	if pose, ok := f.object("headPose", false); ok {
		sub := form{m: pose, prefix: prefix + "headPose.", fe: fe}
		if yaw, ok := sub.number("yaw", false); ok {
			fr.yaw = &yaw
		}
		sub.number("pitch", false)
		sub.number("roll", false)
	}
	if bs, ok := f.object("blendshapes", false); ok {
		fr.blend = make(map[string]float64, len(bs))
		sub := form{m: bs, prefix: prefix + "blendshapes.", fe: fe}
		for k := range bs {
			if val, ok := sub.number(k, false); ok {
				fr.blend[k] = val
			}
		}
	}
	if lm, ok := f.get("landmarks"); ok && lm[0] != '{' && lm[0] != '[' {
		f.fail("landmarks", "The %s field must be an object.")
	}
	return fr, len(fe.order) == before
}

// nonceUsed reports whether a token's nonce was consumed.
func (s *Server) nonceUsed(nonce string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, used := s.nonces[nonce]
	return used
}

func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) {
	v, f, ok := s.openForm(w, r)
	if !ok {
		return
	}
	now := s.now()
	in := s.decodeVerify(f, &v, now)
	if f.rejected(w) {
		return
	}
	res, err := s.score(r.Context(), in, now)
	if err != nil {
		s.serverError(w, r, err)
		return
	}

	s.mu.Lock()
	if _, used := s.nonces[in.claims.Nonce]; used {
		// Another request with this token was scored meanwhile.
		s.mu.Unlock()
		f.fe.add("challengeToken", tokenMessage(ErrTokenUsed))
		writeValidation(w, f.fe)
		return
	}
	for n, exp := range s.nonces {
		if exp.Before(now) {
			delete(s.nonces, n) // expired tokens are refused anyway
		}
	}
	s.nonces[in.claims.Nonce] = time.UnixMilli(in.claims.ExpiresAt)
	rec := s.find(v.UUID)
	score := res.Score
	rec.V.LivenessScore = &score
	rec.V.LivenessAttempts++
	if res.Passed {
		rec.V.LivenessStatus = api.LivenessPass
		rec.V.Status = api.StatusSuccess
		rec.V.EndTime = strPtr(fmtTime(now))
	} else {
		rec.V.LivenessStatus = api.LivenessFail
		rec.V.Status = api.StatusFailed
	}
	s.volatileOf(v.UUID).liveness = map[string]any{"score": res.Score, "passed": res.Passed, "details": res.Details}
	err = s.touch(rec)
	s.mu.Unlock()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"success": true,
		"score":   res.Score,
		"passed":  res.Passed,
		"details": res.Details,
	})
}
