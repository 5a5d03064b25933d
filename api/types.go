package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// Verification status values of Verification.Status.
const (
	StatusNew        = 0
	StatusInProcess  = 1
	StatusModeration = 2
	StatusFailed     = 3
	StatusSuccess    = 4
)

// Liveness status values of Verification.LivenessStatus.
const (
	LivenessPending = 0
	LivenessPass    = 1
	LivenessFail    = 2
)

// Verification is one KYC verification as the merchant endpoints return it.
// Fields whose shape the contract leaves open are kept as raw JSON.
type Verification struct {
	ID                     int64           `json:"id"`
	UUID                   string          `json:"uuid"`
	UserID                 int64           `json:"user_id"`
	Email                  string          `json:"email"`
	Status                 int             `json:"status"`
	Step                   int             `json:"step"`
	StartTime              *string         `json:"start_time"`
	EndTime                *string         `json:"end_time"`
	DocType                *string         `json:"doc_type"`
	DocInfo                json.RawMessage `json:"doc_info,omitempty"`
	StepsInfo              json.RawMessage `json:"steps_info,omitempty"`
	ComparePhoto           json.RawMessage `json:"compare_photo,omitempty"`
	StatusCheckUser        json.RawMessage `json:"status_check_user,omitempty"`
	StatusCheckPhoto       json.RawMessage `json:"status_check_photo,omitempty"`
	CountryRestrictionMode string          `json:"country_restriction_mode"`
	AllowedCountries       []string        `json:"allowed_countries"`
	AllowedDocumentTypes   []string        `json:"allowed_document_types"`
	LivenessScore          *float64        `json:"liveness_score"`
	LivenessStatus         int             `json:"liveness_status"`
	LivenessAttempts       int             `json:"liveness_attempts"`
	CreatedAt              string          `json:"created_at"`
	UpdatedAt              string          `json:"updated_at"`
}

// CreateVerificationRequest is the body of PUT /webapi/kyc.
type CreateVerificationRequest struct {
	Email                  string   `json:"email"`
	CountryRestrictionMode string   `json:"country_restriction_mode,omitempty"`
	AllowedCountries       []string `json:"allowed_countries,omitempty"`
	AllowedDocumentTypes   []string `json:"allowed_document_types,omitempty"`
}

// CreateVerificationResponse is the answer of PUT /webapi/kyc.
type CreateVerificationResponse struct {
	Success bool         `json:"success"`
	Item    Verification `json:"item"`
}

// ListVerificationsResponse is the answer of GET /webapi/kyc.
type ListVerificationsResponse struct {
	Items []Verification `json:"items"`
}

// Restrictions limit which countries and document types a verification accepts.
type Restrictions struct {
	CountryMode          string   `json:"countryMode"`
	AllowedCountries     []string `json:"allowedCountries"`
	AllowedDocumentTypes []string `json:"allowedDocumentTypes"`
}

// Params is the session state the end-user endpoints return.
type Params struct {
	Success      bool            `json:"success"`
	UUID         string          `json:"uuid"`
	StartTime    *string         `json:"start_time"`
	Status       int             `json:"status"`
	Step         int             `json:"step"`
	SessionEnd   *string         `json:"session_end"`
	Steps        json.RawMessage `json:"steps,omitempty"`
	Restrictions Restrictions    `json:"restrictions"`
}

// UploadRequest is the body of PUT /webapi/kyc/user/{uuid}. The field name
// "cadrs" is the service's own spelling.
type UploadRequest struct {
	Cadrs        []string `json:"cadrs"`
	Passport     string   `json:"passport"`
	DocumentType string   `json:"document_type"`
	Country      string   `json:"country"`
}

// StepRequest is the body of POST /webapi/kyc/user/{uuid}/step.
type StepRequest struct {
	Step int            `json:"step"`
	Data map[string]any `json:"data,omitempty"`
}

// CheckRequest is the body of POST /webapi/kyc/user/{uuid}/check.
type CheckRequest struct {
	FirstName      string `json:"firstName"`
	LastName       string `json:"lastName"`
	DOB            string `json:"dob"`
	DocumentType   string `json:"document_type,omitempty"`
	Patronymic     string `json:"patronymic,omitempty"`
	PassportDate   string `json:"passport_date,omitempty"`
	Seria          string `json:"seria,omitempty"`
	Number         string `json:"number,omitempty"`
	DocumentNumber string `json:"document_number,omitempty"`
	Residence      string `json:"residence,omitempty"`
	Citizenship    string `json:"citizenship,omitempty"`
	FullAddress    string `json:"fullAddress,omitempty"`
	ZipCode        string `json:"zipCode,omitempty"`
	City           string `json:"city,omitempty"`
	Country        string `json:"country,omitempty"`
}

// RecognizeRequest is the body of POST /webapi/kyc/user/{uuid}/recognize-document.
type RecognizeRequest struct {
	Image        string `json:"image"`
	DocumentType string `json:"document_type"`
	Country      string `json:"country"`
}

// RecognizeResponse is the service's OCR result for a document image.
type RecognizeResponse struct {
	Success    bool           `json:"success"`
	Confidence float64        `json:"confidence"`
	Data       map[string]any `json:"data"`
	Warnings   []string       `json:"warnings"`
}

// Challenge is one liveness challenge. The service sends either a bare
// string or an object naming the type under "type", "name" or "action";
// Type holds that name and Extra every other key, unchanged.
type Challenge struct {
	Type  string
	Extra map[string]json.RawMessage
	// fromObject records the original shape so it re-encodes as it came.
	fromObject bool
	typeKey    string
}

// NewChallenge returns a challenge that encodes as a bare string.
func NewChallenge(name string) Challenge { return Challenge{Type: name} }

// UnmarshalJSON accepts a string or an object with a type/name/action key.
func (c *Challenge) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("challenge: %w", err)
		}
		*c = Challenge{Type: s}
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("challenge: want a string or an object: %w", err)
	}
	if m == nil {
		return fmt.Errorf("challenge: want a string or an object, got null")
	}
	out := Challenge{fromObject: true, Extra: map[string]json.RawMessage{}}
	for _, k := range []string{"type", "name", "action"} {
		raw, ok := m[k]
		if !ok {
			continue
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return fmt.Errorf("challenge: %q is not a string", k)
		}
		out.Type, out.typeKey = s, k
		break
	}
	if out.typeKey == "" {
		return fmt.Errorf("challenge: object has none of type, name, action")
	}
	for k, v := range m {
		if k != out.typeKey {
			out.Extra[k] = v
		}
	}
	*c = out
	return nil
}

// MarshalJSON writes the challenge in the shape it was received in.
func (c Challenge) MarshalJSON() ([]byte, error) {
	if !c.fromObject && len(c.Extra) == 0 {
		return json.Marshal(c.Type)
	}
	m := make(map[string]json.RawMessage, len(c.Extra)+1)
	for k, v := range c.Extra {
		m[k] = v
	}
	key := c.typeKey
	if key == "" {
		key = "type"
	}
	t, err := json.Marshal(c.Type)
	if err != nil {
		return nil, err
	}
	m[key] = t
	return json.Marshal(m)
}

// StartLivenessResponse is the answer of POST .../liveness/start.
type StartLivenessResponse struct {
	Success        bool        `json:"success"`
	ChallengeToken string      `json:"challengeToken"`
	Challenges     []Challenge `json:"challenges"`
	TimeoutSeconds int         `json:"timeoutSeconds"`
}

// HeadPose is the head's orientation in degrees.
type HeadPose struct {
	Yaw   float64 `json:"yaw"`
	Pitch float64 `json:"pitch"`
	Roll  float64 `json:"roll"`
}

// Landmark is one face-mesh point, normalised to the image (x, y in [0,1],
// z relative depth in the same scale as x).
type Landmark struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	Z float64 `json:"z"`
}

// Landmarks is the face mesh of one frame.
type Landmarks struct {
	Points []Landmark `json:"points"`
}

// LivenessFrame is one captured frame of the verify request. The optional
// analysis fields are set only when measured on this frame.
type LivenessFrame struct {
	ChallengeIndex int                `json:"challengeIndex"`
	Image          string             `json:"image"`
	Landmarks      *Landmarks         `json:"landmarks,omitempty"`
	Blendshapes    map[string]float64 `json:"blendshapes,omitempty"`
	HeadPose       *HeadPose          `json:"headPose,omitempty"`
	Timestamp      float64            `json:"timestamp"`
}

// AntiSpoofing carries the anti-spoofing measurement. Score is nil when
// nothing was measured, and the object is then sent empty.
type AntiSpoofing struct {
	Score *float64 `json:"score,omitempty"`
}

// VerifyRequest is the body of POST .../liveness/verify. Note
// "documentType" here against "document_type" elsewhere: the service's own.
type VerifyRequest struct {
	ChallengeToken string          `json:"challengeToken"`
	Frames         []LivenessFrame `json:"frames"`
	AntiSpoofing   AntiSpoofing    `json:"antiSpoofing"`
	Passport       string          `json:"passport"`
	DocumentType   string          `json:"documentType"`
	Country        string          `json:"country"`
}

// Details is the score breakdown of a verify response: the three known
// scores typed, and every key as the server sent it in All.
type Details struct {
	LivenessScore     *float64
	FaceMatchScore    *float64
	AntiSpoofingScore *float64
	All               map[string]json.RawMessage
}

// UnmarshalJSON keeps every key and types the known ones.
func (d *Details) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("details: %w", err)
	}
	out := Details{All: m}
	for key, dst := range map[string]**float64{
		"livenessScore":     &out.LivenessScore,
		"faceMatchScore":    &out.FaceMatchScore,
		"antiSpoofingScore": &out.AntiSpoofingScore,
	} {
		raw, ok := m[key]
		if !ok || string(raw) == "null" {
			continue
		}
		var f float64
		if err := json.Unmarshal(raw, &f); err != nil {
			return fmt.Errorf("details: %s is not a number", key)
		}
		*dst = &f
	}
	*d = out
	return nil
}

// MarshalJSON writes All, with the typed scores overriding their keys.
func (d Details) MarshalJSON() ([]byte, error) {
	m := make(map[string]json.RawMessage, len(d.All)+3)
	for k, v := range d.All {
		m[k] = v
	}
	for key, v := range map[string]*float64{
		"livenessScore":     d.LivenessScore,
		"faceMatchScore":    d.FaceMatchScore,
		"antiSpoofingScore": d.AntiSpoofingScore,
	} {
		if v != nil {
			raw, err := json.Marshal(*v)
			if err != nil {
				return nil, err
			}
			m[key] = raw
		}
	}
	return json.Marshal(m)
}

// Score is one named number of the breakdown.
type Score struct {
	Name  string
	Value float64
}

// Scores lists every numeric key of the breakdown, known keys first in a
// fixed order, then the rest by name. Non-numeric and null keys are left
// to All.
func (d Details) Scores() []Score {
	known := []string{"livenessScore", "faceMatchScore", "antiSpoofingScore"}
	var out []Score
	seen := map[string]bool{}
	for _, k := range known {
		seen[k] = true
		if raw, ok := d.All[k]; ok {
			var f float64
			if string(raw) != "null" && json.Unmarshal(raw, &f) == nil {
				out = append(out, Score{k, f})
			}
		}
	}
	var rest []string
	for k := range d.All {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		var f float64
		if string(d.All[k]) != "null" && json.Unmarshal(d.All[k], &f) == nil {
			out = append(out, Score{k, f})
		}
	}
	return out
}

// VerifyResponse is the answer of POST .../liveness/verify.
type VerifyResponse struct {
	Success bool    `json:"success"`
	Score   float64 `json:"score"`
	Passed  bool    `json:"passed"`
	Details Details `json:"details"`
}
