package sandbox

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kycterm/kycterm/api"
)

// Check statuses stored in status_check_user.
const (
	checkRecorded = 0 // fields recorded, nothing to compare with
	checkMatch    = 1 // the document reader's fields agree
	checkMismatch = 2 // the document reader's fields differ
)

// statusClientClosed is the status recorded for a request whose client
// went away before its answer (nginx's 499); the client never sees it.
const statusClientClosed = 499

// serverError answers 500 and logs err's text at error level, unless the
// client went away (see clientGone). err must not quote customer data.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if s.clientGone(w, r) {
		return
	}
	s.log.LogAttrs(r.Context(), slog.LevelError, "sandbox handler failed", slog.String("err", err.Error()))
	writeMessage(w, http.StatusInternalServerError, "Server Error")
}

// clientGone reports whether the request's context was cancelled (the
// client went away), which is what a failure is then taken to come from:
// it records statusClientClosed and logs a debug line, not a 500 at error
// level.
func (s *Server) clientGone(w http.ResponseWriter, r *http.Request) bool {
	if !errors.Is(r.Context().Err(), context.Canceled) {
		return false
	}
	s.log.LogAttrs(r.Context(), slog.LevelDebug, "client went away before the answer")
	w.WriteHeader(statusClientClosed)
	return true
}

func notFound(w http.ResponseWriter) {
	writeMessage(w, http.StatusNotFound, "Verification not found.")
}

// withRecord runs fn on the record of uuid under the lock; false, without
// running fn, when there is no such verification.
func (s *Server) withRecord(uuid string, fn func(rec *record)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.find(uuid)
	if rec == nil {
		return false
	}
	fn(rec)
	return true
}

// snapshot copies the verification of the request's UUID.
func (s *Server) snapshot(r *http.Request) (v api.Verification, ok bool) {
	ok = s.withRecord(r.PathValue("uuid"), func(rec *record) { v = rec.V })
	return v, ok
}

// openForm begins a handler of a /webapi/kyc/user/{uuid} route that takes
// a body: it copies the verification of the path's UUID (404 when there
// is none) and reads the body as one JSON object (413 or 400 when it
// cannot) into a form that collects the 422 errors. ok is false when the
// answer is already written.
func (s *Server) openForm(w http.ResponseWriter, r *http.Request) (v api.Verification, f form, ok bool) {
	if v, ok = s.snapshot(r); !ok {
		notFound(w)
		return v, f, false
	}
	m, ok := s.readObject(w, r)
	if !ok {
		return v, f, false
	}
	return v, form{m: m, fe: &fieldErrors{}}, true
}

// update applies change to the record of uuid under the lock, stamps and
// saves it, and answers 200 with answer(rec), taken under the lock after
// the save; 404 when there is no such verification, 500 when the save
// fails.
func update[T any](s *Server, w http.ResponseWriter, r *http.Request, uuid string, change func(rec *record), answer func(rec *record) T) {
	var (
		out T
		err error
	)
	found := s.withRecord(uuid, func(rec *record) {
		change(rec)
		err = s.touch(rec)
		out = answer(rec)
	})
	switch {
	case !found:
		notFound(w)
	case err != nil:
		s.serverError(w, r, err)
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

// newUUID returns a random version-4 UUID.
func (s *Server) newUUID() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(s.opts.Rand, b[:]); err != nil {
		return "", fmt.Errorf("uuid: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// randomKey returns a demo key shaped like the service's: "7500|" and 40
// alphanumerics.
func (s *Server) randomKey() (string, error) {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	out := make([]byte, 0, 40)
	var buf [64]byte
	for len(out) < 40 {
		if _, err := io.ReadFull(s.opts.Rand, buf[:]); err != nil {
			return "", fmt.Errorf("sandbox: api key: %w", err)
		}
		for _, c := range buf {
			// 248 = 4·62: reject the rest so that every symbol is equally likely.
			if c < 248 && len(out) < 40 {
				out = append(out, alnum[c%62])
			}
		}
	}
	return "7500|" + string(out), nil
}

// userID is the merchant id of the key's "N|" prefix, 1 without one.
func (s *Server) userID() int64 {
	if p, _, ok := strings.Cut(s.key, "|"); ok {
		if n, err := strconv.ParseInt(p, 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return 1
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	m, ok := s.readObject(w, r)
	if !ok {
		return
	}
	f := form{m: m, fe: &fieldErrors{}}
	email, _ := f.email("email")
	mode := "all"
	if v, ok := f.str("country_restriction_mode", false); ok {
		if v != "all" && v != "whitelist" {
			f.fail("country_restriction_mode", "The selected %s is invalid.")
		}
		mode = v
	}
	countries, _ := f.strings("allowed_countries")
	for i, c := range countries {
		if c != "" && !isCountry(c) {
			form{prefix: "allowed_countries.", fe: f.fe}.fail(strconv.Itoa(i), "The selected %s is invalid.")
		}
		countries[i] = strings.ToLower(c)
	}
	if mode == "whitelist" && len(countries) == 0 && !f.fe.has("allowed_countries") {
		f.fail("allowed_countries", "The %s field is required when country restriction mode is whitelist.")
	}
	docTypes, _ := f.strings("allowed_document_types")
	if f.rejected(w) {
		return
	}
	uuid, err := s.newUUID()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if countries == nil {
		countries = []string{}
	}
	if docTypes == nil {
		docTypes = []string{}
	}
	now := fmtTime(s.now())
	s.mu.Lock()
	rec := &record{
		V: api.Verification{
			ID:                     s.st.NextID,
			UUID:                   uuid,
			UserID:                 s.userID(),
			Email:                  email,
			Status:                 api.StatusNew,
			CountryRestrictionMode: mode,
			AllowedCountries:       countries,
			AllowedDocumentTypes:   docTypes,
			LivenessStatus:         api.LivenessPending,
			CreatedAt:              now,
			UpdatedAt:              now,
		},
		Steps: map[string]string{},
	}
	s.st.NextID++
	s.st.Records = append(s.st.Records, rec)
	err = s.persistLocked()
	v := rec.V
	s.mu.Unlock()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, api.CreateVerificationResponse{Success: true, Item: onWire(v)})
}

// onWire fills the free-form fields nothing has set with JSON null: the
// service sends every key of a verification, and api.Verification would
// otherwise leave them out.
func onWire(v api.Verification) api.Verification {
	for _, f := range []*json.RawMessage{&v.DocInfo, &v.StepsInfo, &v.ComparePhoto, &v.StatusCheckUser, &v.StatusCheckPhoto} {
		if len(*f) == 0 {
			*f = json.RawMessage("null")
		}
	}
	return v
}

func (s *Server) handleList(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	items := make([]api.Verification, 0, len(s.st.Records))
	for _, rec := range s.st.Records {
		items = append(items, onWire(rec.V))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, api.ListVerificationsResponse{Items: items})
}

// paramsLocked builds the session parameters; the caller holds s.mu.
func (s *Server) paramsLocked(rec *record) api.Params {
	steps := map[string]any{}
	vol := s.mem[rec.V.UUID]
	for k, at := range rec.Steps {
		step := map[string]any{"updated_at": at}
		if vol != nil && vol.stepData[k] != nil {
			step["data"] = vol.stepData[k]
		}
		steps[k] = step
	}
	if vol != nil && vol.check != nil {
		c := map[string]any{"status": checkStatusName(rec.V.StatusCheckUser)}
		if len(vol.checkMismatch) > 0 {
			c["mismatch"] = vol.checkMismatch
		}
		steps["check"] = c
	}
	raw, err := json.Marshal(steps)
	if err != nil {
		// Only JSON-decoded data is stored, so this cannot fail.
		raw = []byte("{}")
	}
	return api.Params{
		Success:    true,
		UUID:       rec.V.UUID,
		StartTime:  rec.V.StartTime,
		Status:     rec.V.Status,
		Step:       rec.V.Step,
		SessionEnd: rec.SessionEnd,
		Steps:      raw,
		Restrictions: api.Restrictions{
			CountryMode:          rec.V.CountryRestrictionMode,
			AllowedCountries:     rec.V.AllowedCountries,
			AllowedDocumentTypes: rec.V.AllowedDocumentTypes,
		},
	}
}

func checkStatusName(raw json.RawMessage) string {
	switch string(raw) {
	case strconv.Itoa(checkMatch):
		return "match"
	case strconv.Itoa(checkMismatch):
		return "mismatch"
	default:
		return "recorded"
	}
}

func (s *Server) handleStartSession(w http.ResponseWriter, r *http.Request) {
	update(s, w, r, r.PathValue("uuid"), func(rec *record) {
		now := s.now()
		if rec.V.Status == api.StatusNew {
			rec.V.Status = api.StatusInProcess
			rec.V.StartTime = strPtr(fmtTime(now))
		}
		if rec.V.Step == 0 {
			rec.V.Step = 1
		}
		rec.SessionEnd = strPtr(fmtTime(now.Add(s.opts.SessionTTL)))
	}, s.paramsLocked)
}

func (s *Server) handleParams(w http.ResponseWriter, r *http.Request) {
	var p api.Params
	if !s.withRecord(r.PathValue("uuid"), func(rec *record) { p = s.paramsLocked(rec) }) {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	v, f, ok := s.openForm(w, r)
	if !ok {
		return
	}
	budget := s.budget()
	var cadrs []blob
	if items, ok := f.array("cadrs", true); ok {
		if len(items) > s.opts.MaxFrames {
			f.fail("cadrs", fmt.Sprintf("The %%s field must not have more than %d items.", s.opts.MaxFrames))
		} else {
			sub := form{m: map[string]json.RawMessage{}, prefix: "cadrs.", fe: f.fe}
			for i, raw := range items {
				sub.m[strconv.Itoa(i)] = raw
				if d, ok := sub.image(strconv.Itoa(i), budget); ok {
					cadrs = append(cadrs, d.blob)
				}
			}
		}
	}
	passport, _ := f.image("passport", budget)
	docType, country := f.document("document_type", true, &v)
	if f.rejected(w) {
		return
	}
	update(s, w, r, v.UUID, func(rec *record) {
		vol := s.volatileOf(v.UUID)
		vol.cadrs, vol.passport = cadrs, &passport.blob
		vol.documentType, vol.country = docType, country
		rec.V.DocType = strPtr(docType)
	}, func(*record) map[string]any {
		return map[string]any{"success": true, "message": "Files uploaded."}
	})
}

func (s *Server) handleDetails(w http.ResponseWriter, r *http.Request) {
	var (
		v          api.Verification
		sessionEnd *string
		cadrs      []blob
		passport   *blob
		docType    string
		country    string
		check      map[string]string
		liveness   map[string]any
	)
	found := s.withRecord(r.PathValue("uuid"), func(rec *record) {
		v, sessionEnd = rec.V, rec.SessionEnd
		if vol := s.mem[v.UUID]; vol != nil {
			cadrs, passport = vol.cadrs, vol.passport
			docType, country = vol.documentType, vol.country
			check, liveness = vol.check, vol.liveness
		}
	})
	if !found {
		notFound(w)
		return
	}

	// Blobs are never changed once stored, so they are encoded unlocked.
	images := map[string]any{"passport": nil, "cadrs": []string{}}
	if passport != nil {
		images["passport"] = api.DataURL(passport.mime, passport.data)
	}
	urls := make([]string, 0, len(cadrs))
	for _, c := range cadrs {
		urls = append(urls, api.DataURL(c.mime, c.data))
	}
	images["cadrs"] = urls
	out := map[string]any{
		"success":           true,
		"uuid":              v.UUID,
		"email":             v.Email,
		"status":            v.Status,
		"step":              v.Step,
		"start_time":        v.StartTime,
		"end_time":          v.EndTime,
		"session_end":       sessionEnd,
		"doc_type":          v.DocType,
		"document_type":     nilIfEmpty(docType),
		"country":           nilIfEmpty(country),
		"images":            images,
		"check":             check,
		"status_check_user": v.StatusCheckUser,
		"liveness_score":    v.LivenessScore,
		"liveness_status":   v.LivenessStatus,
		"liveness_attempts": v.LivenessAttempts,
		"liveness":          liveness,
	}
	writeJSON(w, http.StatusOK, out)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// maxStep bounds the step number a client may set.
const maxStep = 100

func (s *Server) handleStep(w http.ResponseWriter, r *http.Request) {
	v, f, ok := s.openForm(w, r)
	if !ok {
		return
	}
	step, ok := f.integer("step", true)
	if ok && (step < 0 || step > maxStep) {
		f.fail("step", fmt.Sprintf("The %%s field must be between 0 and %d.", maxStep))
	}
	var data map[string]any
	if raw, ok := f.object("data", false); ok {
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &data); err != nil {
			f.fail("data", "The %s field must be an object.")
		}
	}
	if f.rejected(w) {
		return
	}
	key := strconv.FormatInt(step, 10)
	update(s, w, r, v.UUID, func(rec *record) {
		rec.V.Step = int(step)
		rec.Steps[key] = fmtTime(s.now())
		if data != nil {
			s.volatileOf(rec.V.UUID).stepData[key] = data
		}
		if info, err := json.Marshal(rec.Steps); err == nil {
			rec.V.StepsInfo = info
		}
	}, s.paramsLocked)
}

// parseDate reads the date forms /check accepts for dob and passport_date.
func parseDate(v string) (time.Time, bool) {
	for _, l := range [...]string{"2006-01-02", "02.01.2006", time.RFC3339} {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (s *Server) handleCheck(w http.ResponseWriter, r *http.Request) {
	v, f, ok := s.openForm(w, r)
	if !ok {
		return
	}
	fields := map[string]string{}
	for _, k := range []string{"firstName", "lastName", "dob"} {
		if val, ok := f.str(k, true); ok {
			fields[k] = val
		}
	}
	if dob, ok := fields["dob"]; ok {
		if _, ok := parseDate(dob); !ok {
			f.fail("dob", "The %s field must be a valid date.")
		}
	}
	// The optional string fields of the contract's /check table.
	for _, k := range [...]string{"patronymic", "passport_date", "seria", "number",
		"document_number", "residence", "citizenship", "fullAddress", "zipCode", "city"} {
		if val, ok := f.str(k, false); ok {
			fields[k] = val
		}
	}
	if pd, ok := fields["passport_date"]; ok {
		if _, ok := parseDate(pd); !ok {
			f.fail("passport_date", "The %s field must be a valid date.")
		}
	}
	docType, country := f.document("document_type", false, &v)
	if docType != "" {
		fields["document_type"] = docType
	}
	if country != "" {
		fields["country"] = country
	}
	if f.rejected(w) {
		return
	}

	status, mismatch := checkRecorded, []string(nil)
	if s.opts.DocumentReader != nil {
		var err error
		if status, mismatch, err = s.compareWithDocument(r.Context(), v.UUID, fields); err != nil {
			if s.clientGone(w, r) {
				return
			}
			// The reader's error may quote the document: it is not logged.
			s.log.LogAttrs(r.Context(), slog.LevelError, "document reader failed during check")
			writeMessage(w, http.StatusInternalServerError, "Server Error")
			return
		}
	}
	update(s, w, r, v.UUID, func(rec *record) {
		vol := s.volatileOf(v.UUID)
		vol.check, vol.checkMismatch = fields, mismatch
		rec.V.StatusCheckUser = json.RawMessage(strconv.Itoa(status))
	}, s.paramsLocked)
}

// compareWithDocument reads the uploaded passport with the document reader
// (or, with none uploaded, takes what recognize-document last read) and
// compares the posted firstName, lastName, dob, document_number and
// citizenship (the last two only when posted) with it. It returns the
// status and the names of the fields that differ. Without a document, or
// when the reader names none of the posted fields, the fields are only
// recorded.
func (s *Server) compareWithDocument(ctx context.Context, uuid string, fields map[string]string) (int, []string, error) {
	s.mu.Lock()
	var passport *blob
	var docType, country string
	var recognized map[string]any
	if vol := s.mem[uuid]; vol != nil {
		passport, docType, country, recognized = vol.passport, vol.documentType, vol.country, vol.recognized
	}
	s.mu.Unlock()
	data := recognized
	if passport != nil {
		d, msg := decodeImage(api.DataURL(passport.mime, passport.data), s.budget())
		if msg != "" {
			return checkRecorded, nil, nil
		}
		res, err := s.opts.DocumentReader.ReadDocument(ctx, d.img, docType, country)
		if err != nil {
			return checkRecorded, nil, fmt.Errorf("read document: %w", err)
		}
		data = res.Data
	}
	compared := 0
	var mismatch []string
	for _, k := range [...]string{"firstName", "lastName", "dob", "document_number", "citizenship"} {
		got, ok := data[k].(string)
		posted, isPosted := fields[k]
		if !ok || got == "" || !isPosted || posted == "" {
			continue
		}
		compared++
		if !sameField(k, got, posted) {
			mismatch = append(mismatch, k)
		}
	}
	switch {
	case len(mismatch) > 0:
		return checkMismatch, mismatch, nil
	case compared == 0:
		return checkRecorded, nil, nil
	}
	return checkMatch, nil, nil
}

func sameField(key, a, b string) bool {
	if key == "dob" {
		ta, oka := parseDate(a)
		tb, okb := parseDate(b)
		return oka && okb && ta.Equal(tb)
	}
	norm := func(v string) string { return strings.Join(strings.Fields(strings.ToUpper(v)), " ") }
	return norm(a) == norm(b)
}

func (s *Server) handleRecognize(w http.ResponseWriter, r *http.Request) {
	v, f, ok := s.openForm(w, r)
	if !ok {
		return
	}
	img, _ := f.image("image", s.budget())
	docType, country := f.document("document_type", true, &v)
	if f.rejected(w) {
		return
	}
	if s.opts.DocumentReader == nil {
		writeJSON(w, http.StatusOK, api.RecognizeResponse{
			Success: false, Data: map[string]any{}, Warnings: []string{"no local document reader"},
		})
		return
	}
	res, err := s.opts.DocumentReader.ReadDocument(r.Context(), img.img, docType, country)
	if err != nil {
		// The reader's error may quote the document: it is not echoed.
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "document reader failed")
		writeJSON(w, http.StatusOK, api.RecognizeResponse{
			Success: false, Data: map[string]any{}, Warnings: []string{"the document could not be read"},
		})
		return
	}
	if res.Data == nil {
		res.Data = map[string]any{}
	}
	if len(res.Data) > 0 {
		s.mu.Lock()
		s.volatileOf(v.UUID).recognized = res.Data
		s.mu.Unlock()
	}
	warnings := append([]string{}, res.Warnings...)
	sort.Strings(warnings)
	writeJSON(w, http.StatusOK, api.RecognizeResponse{
		Success:    len(res.Data) > 0,
		Confidence: clamp01(res.Confidence),
		Data:       res.Data,
		Warnings:   warnings,
	})
}

// DocumentReader reads the fields of a document image. It is the hook a
// local MRZ reader plugs into (package mrzreader); recognize-document
// answers from it, and /check compares its firstName, lastName, dob,
// document_number and citizenship with the posted ones.
type DocumentReader interface {
	ReadDocument(ctx context.Context, img image.Image, documentType, country string) (DocumentResult, error)
}

// DocumentResult is what a DocumentReader read: Data keyed as the
// service's OCR answers (firstName, lastName, dob, …).
type DocumentResult struct {
	Confidence float64
	Data       map[string]any
	Warnings   []string
}
