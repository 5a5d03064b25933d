// Package sandbox is a local, contract-faithful AMLKYC server: all eleven
// KYC endpoints of the API contract over real net/http, for the offline demo,
// for tests and for integrators. It speaks exactly the wire types of package
// api, answers errors the way the service does (401 with a JSON body, 404,
// Laravel-style 422 with per-field errors, 413), and can inject faults.
//
// # State
//
// Verifications, sessions, steps and liveness attempt counters live in
// memory behind one mutex. With Options.StatePath set they are also written
// to that file after every change (a temporary file renamed over it, mode
// 0600) and read back at start. The file holds the verification records as
// the list endpoint shows them (the merchant-given email included), step
// numbers with their times, and nothing else. Customer data never reaches
// the disk: the
// uploaded images, the fields posted to /check, the free-form step data and
// the HMAC secret of the challenge tokens stay in memory only, so after a
// restart the details endpoint shows no images and tokens issued before it
// are rejected as invalid.
//
// # Limits
//
// A request body over Options.MaxBodyBytes (32 MiB) gets 413; a verify
// request carries at most MaxFrames (200) frames; an image decodes to at
// most MaxPixels (4096×4096) and all the images of one request to at most
// MaxRequestPixels (64 Mi pixels), or the field gets a 422.
//
// # Authentication
//
// PUT and GET /webapi/kyc need the API key, given as "Authorization: Bearer
// KEY", as "X-API-Key: KEY", or under Options.AuthHeader with
// Options.AuthScheme; it is compared in constant time. The
// /webapi/kyc/user/{uuid} family needs none: the UUID is the capability.
//
// # Challenge tokens
//
// liveness/start picks 3 distinct challenges at random from turn_left,
// turn_right, blink, smile and open_mouth and signs them into a token
//
//	base64url(payload) "." base64url(HMAC-SHA256(secret, payload))
//
// whose JSON payload carries the verification UUID, the challenges, the
// issue and expiry times (TokenTTL, default 120 s, also the timeoutSeconds
// of the answer) and a random nonce. verify answers 422 on the
// challengeToken field when the token is malformed or its signature does not
// match ("The challenge token is invalid."), when it has expired ("The
// challenge token has expired."), when it was issued for another UUID, or
// when its nonce was already consumed ("The challenge token has already been
// used."). A token is consumed, and liveness_attempts counted, when a verify
// request passes validation and is scored.
//
// # Scoring
//
// Scoring is deterministic and uses only what the verify request carries.
// The head pose convention is the project's: yaw > 0 when the subject turns
// the head to THEIR left (the nose moves toward the right edge of the
// unmirrored camera image), so turn_left wants positive yaw and turn_right
// negative yaw. Let ramp(x, lo, hi) = clamp((x−lo)/(hi−lo), 0, 1).
//
// Liveness. For each challenge i of the token (m challenges, frames matched
// by challengeIndex):
//
//	f_i = min(n_i, 3) / 3            n_i frames carry index i
//	t_i = share of those frames whose timestamp lies in
//	      [issued − skew, min(expiry, now) + skew] (skew 5 s) and is
//	      greater than the timestamp of the frame before it in the request
//	a_i = action evidence, the best frame of the challenge:
//	      turn_left   ramp(yaw, 5°, 20°)
//	      turn_right  ramp(−yaw, 5°, 20°)
//	      blink       ramp(min(eyeBlinkLeft, eyeBlinkRight), 0.2, 0.6)
//	      smile       ramp(mean(mouthSmileLeft, mouthSmileRight), 0.2, 0.6)
//	      open_mouth  ramp(jawOpen, 0.15, 0.5)
//	      0.5 (unknown) when no frame of the challenge carries the
//	      measurement the action needs
//	e_i = f_i · t_i · a_i
//	livenessScore = mean of e_i over the m challenges
//
// A challenge counts as passed in details.challengesPassed when e_i ≥ 0.6,
// which an unmeasured challenge (e_i ≤ 0.5) never reaches.
//
// Anti-spoofing. base = antiSpoofing.score clamped to [0, 1], or 0.3 when
// the request carries no score (unknown is never taken as genuine). Each
// frame is reduced to a 32×24 grey thumbnail; a pair of consecutive frames
// is near-identical when the mean absolute difference of their thumbnails is
// below 1.0 grey level (of 255). With s the share of near-identical pairs
// (a still photo replayed gives s = 1):
//
//	antiSpoofingScore = base · (1 − 0.7·s)
//
// Face match. A FaceMatcher compares the passport image with the frames.
// The package's own, HistogramMatcher (used when Options.FaceMatcher is
// nil), is a sandbox heuristic and NOT face recognition: it compares the
// centre regions by colour histogram intersection and grey thumbnail
// correlation (see HistogramMatcher). `kycterm sandbox` and the demo plug
// in the local face matcher instead (capture/face/match: face embeddings of
// the document's holder photo and of the frames; docs/face-analysis.md), and
// details.faceMatcher names the one that ran.
//
// Combination and decision:
//
//	score  = 0.40·livenessScore + 0.35·faceMatchScore + 0.25·antiSpoofingScore
//	passed = score ≥ 0.75 and livenessScore ≥ 0.60
//	         and faceMatchScore ≥ 0.50 and antiSpoofingScore ≥ 0.50
//
// details carries the three scores and explanatory keys: challengesPassed,
// challengesTotal, framesReceived, stillFrameShare, antiSpoofingMeasured,
// faceMatcher, threshold and a perChallenge list. The verification record
// then agrees with the answer: liveness_score = score, liveness_status 1
// (pass) or 2 (fail), status 4 (success, end_time set) or 3 (failed); a
// later attempt may still pass.
//
// # Document OCR and check
//
// POST recognize-document answers from Options.DocumentReader: success is
// true when it read any field, data holds the fields keyed as the service's
// OCR keys them (firstName, lastName, dob as YYYY-MM-DD, document_number,
// document_type, citizenship, country, sex, expiry_date), confidence is the
// reader's (clamped to [0, 1]) and warnings are sorted. Without a reader,
// success is false with the warning "no local document reader". A reader
// error answers success false, "the document could not be read" (the error
// itself may quote the document and is not echoed). `kycterm sandbox` and
// the demo plug in the local MRZ reader (package mrzreader below this
// one): data are mrz.Result.Fields() plus sex and expiry_date, warnings
// are mrz Problems (each failed check digit, expired, under 18, birth in
// the future, unknown nationality) plus one per repaired field, and
//
//	confidence = check digits that hold / check digits of the layout
//
// (TD3: 5 digits including the composite, so one failed digit that also
// breaks the composite gives 3/5 = 0.6, with a warning for each of the
// two); an image with no MRZ found gives success false, confidence 0, no
// data and the one warning "no machine-readable zone found". The ICAO
// specimen itself reads with confidence 1 and the one warning that it has
// expired (2012-04-15). The last successful reading of a verification is
// kept in memory.
//
// POST check validates the fields (422 per malformed field, as the
// contract says), then compares firstName, lastName and dob, and
// document_number and citizenship when posted, with the document: the
// uploaded passport read again by the DocumentReader, or, when none was
// uploaded, the last recognize-document reading. Names compare
// case-insensitively with runs of space collapsed, dates by value
// (YYYY-MM-DD, DD.MM.YYYY or RFC 3339); a reader error here answers 500,
// since the outcome is then unknown, and is logged as a fixed message
// without the reader's error text, which may quote the document; when the
// client went away meanwhile (the request's context cancelled) nothing is
// logged at error level and the request line records 499, as for any
// handler failure after the client left. A disagreement is an outcome of
// the check, not a malformed request, so the answer stays 200 with
// Params, like the service's; the outcome is recorded in
// status_check_user (0 recorded: no document or no comparable field, 1
// match, 2 mismatch) and in steps.check: {"status": "recorded"|"match"|
// "mismatch", "mismatch": [field names]} — names only, never values.
//
// # Faults
//
// Options.Faults injects, from a seeded math/rand/v2 source and within fixed
// bounds, added latency, 500/502/503 answers, connections reset mid-body,
// truncated (malformed) JSON bodies and bodies trickled out slowly.
package sandbox
