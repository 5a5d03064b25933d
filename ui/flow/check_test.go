package flow

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kycterm/kycterm/api"
)

func TestBuildCheckRequest(t *testing.T) {
	now := time.Date(2026, 11, 25, 23, 0, 0, 0, time.UTC)
	valid := map[string]string{"lastName": " ERIKSSON ", "firstName": "ANNA MARIA", "dob": "12.08.1974"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for kk, vv := range valid {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	tests := []struct {
		name   string
		fields map[string]string
		want   api.CheckRequest
		errs   map[string]error
	}{
		{name: "minimal, date normalized", fields: valid,
			want: api.CheckRequest{LastName: "ERIKSSON", FirstName: "ANNA MARIA", DOB: "1974-08-12"}},
		{name: "every field", fields: map[string]string{"lastName": "Иванов", "firstName": "Иван", "patronymic": "Иванович",
			"dob": "1990-01-02", "document_number": "4509 123456", "citizenship": "RUS", "seria": "4509", "number": "123456",
			"passport_date": "03.04.2010", "residence": "Moscow", "country": "RU", "city": "Moscow", "zipCode": "101000",
			"fullAddress": "Tverskaya 1", "unknown": "ignored"},
			want: api.CheckRequest{LastName: "Иванов", FirstName: "Иван", Patronymic: "Иванович", DOB: "1990-01-02",
				DocumentNumber: "4509 123456", Citizenship: "ru", Seria: "4509", Number: "123456", PassportDate: "2010-04-03",
				Residence: "Moscow", Country: "ru", City: "Moscow", ZipCode: "101000", FullAddress: "Tverskaya 1"}},
		{name: "nothing", fields: nil,
			errs: map[string]error{"lastName": ErrFieldRequired, "firstName": ErrFieldRequired, "dob": ErrFieldRequired}},
		{name: "blank required", fields: with("firstName", "   "), errs: map[string]error{"firstName": ErrFieldRequired}},
		{name: "not a date", fields: with("dob", "12/08/1974"), errs: map[string]error{"dob": ErrFieldDate}},
		{name: "no such day", fields: with("dob", "1974-02-30"), errs: map[string]error{"dob": ErrFieldDate}},
		{name: "before 1900", fields: with("dob", "1899-12-31"), errs: map[string]error{"dob": ErrFieldDate}},
		{name: "tomorrow", fields: with("dob", "26.11.2026"), errs: map[string]error{"dob": ErrFieldFuture}},
		{name: "today is fine", fields: with("dob", "2026-11-25"),
			want: api.CheckRequest{LastName: "ERIKSSON", FirstName: "ANNA MARIA", DOB: "2026-11-25"}},
		{name: "issue date in the future", fields: with("passport_date", "2030-01-01"), errs: map[string]error{"passport_date": ErrFieldFuture}},
		{name: "citizenship alpha-3 as alpha-2", fields: with("citizenship", "rus"),
			want: api.CheckRequest{LastName: "ERIKSSON", FirstName: "ANNA MARIA", DOB: "1974-08-12", Citizenship: "ru"}},
		{name: "citizenship alpha-2 kept", fields: with("citizenship", "De"),
			want: api.CheckRequest{LastName: "ERIKSSON", FirstName: "ANNA MARIA", DOB: "1974-08-12", Citizenship: "de"}},
		{name: "citizenship ICAO special kept", fields: with("citizenship", "UTO"),
			want: api.CheckRequest{LastName: "ERIKSSON", FirstName: "ANNA MARIA", DOB: "1974-08-12", Citizenship: "uto"}},
		{name: "citizenship stateless kept", fields: with("citizenship", "XXA"),
			want: api.CheckRequest{LastName: "ERIKSSON", FirstName: "ANNA MARIA", DOB: "1974-08-12", Citizenship: "xxa"}},
		{name: "citizenship unknown alpha-3 kept", fields: with("citizenship", "QQQ"),
			want: api.CheckRequest{LastName: "ERIKSSON", FirstName: "ANNA MARIA", DOB: "1974-08-12", Citizenship: "qqq"}},
		{name: "citizenship one letter", fields: with("citizenship", "R"), errs: map[string]error{"citizenship": ErrFieldCode}},
		{name: "citizenship four letters", fields: with("citizenship", "RUSS"), errs: map[string]error{"citizenship": ErrFieldCode}},
		{name: "citizenship digits", fields: with("citizenship", "R1"), errs: map[string]error{"citizenship": ErrFieldCode}},
		{name: "citizenship cyrillic", fields: with("citizenship", "РФ"), errs: map[string]error{"citizenship": ErrFieldCode}},
		{name: "country three letters", fields: with("country", "rus"), errs: map[string]error{"country": ErrFieldCode}},
		{name: "control character", fields: with("lastName", "ERIK\x1b[2JSSON"), errs: map[string]error{"lastName": ErrFieldControl}},
		{name: "tab inside", fields: with("city", "a\tb"), errs: map[string]error{"city": ErrFieldControl}},
		{name: "bidi override", fields: with("lastName", "ERIK\u202eNOSS"), errs: map[string]error{"lastName": ErrFieldControl}},
		{name: "zero-width space", fields: with("firstName", "AN\u200bNA"), errs: map[string]error{"firstName": ErrFieldControl}},
		{name: "byte order mark", fields: with("city", "\ufeffMoscow"), errs: map[string]error{"city": ErrFieldControl}},
		{name: "line separator", fields: with("fullAddress", "a\u2028b"), errs: map[string]error{"fullAddress": ErrFieldControl}},
		{name: "paragraph separator", fields: with("residence", "a\u2029b"), errs: map[string]error{"residence": ErrFieldControl}},
		{name: "invalid UTF-8", fields: with("lastName", "ERIK\xffSSON"), errs: map[string]error{"lastName": ErrFieldControl}},
		{name: "too long", fields: with("lastName", strings.Repeat("Ж", 101)), errs: map[string]error{"lastName": ErrFieldTooLong}},
		{name: "long enough", fields: with("lastName", strings.Repeat("Ж", 100)),
			want: api.CheckRequest{LastName: strings.Repeat("Ж", 100), FirstName: "ANNA MARIA", DOB: "1974-08-12"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, errs := BuildCheckRequest(tc.fields, now)
			got := map[string]error{}
			for _, e := range errs {
				got[e.Field] = e.Err
				for _, v := range tc.fields {
					if v := strings.TrimSpace(v); len(v) > 2 && strings.Contains(e.Error(), v) {
						t.Errorf("error %q quotes a value", e.Error())
					}
				}
				if !errors.Is(e, e.Err) {
					t.Errorf("%v does not unwrap", e)
				}
			}
			if len(got) != len(tc.errs) {
				t.Fatalf("errors %v, want %v", got, tc.errs)
			}
			for k, want := range tc.errs {
				if !errors.Is(got[k], want) {
					t.Errorf("%s: %v, want %v", k, got[k], want)
				}
			}
			if len(tc.errs) == 0 && req != tc.want {
				t.Errorf("request\n%+v\nwant\n%+v", req, tc.want)
			}
		})
	}
}

func TestCheckFields(t *testing.T) {
	fs := CheckFields()
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
		if f.MaxLen <= 0 {
			t.Errorf("%s has no length limit", f.Name)
		}
	}
	if got := strings.Join(names[:6], ","); got != "lastName,firstName,patronymic,dob,document_number,citizenship" {
		t.Errorf("first fields %s", got)
	}
	// every field reaches its own request field
	all := map[string]string{}
	for _, f := range fs {
		switch f.Kind {
		case KindDate:
			all[f.Name] = "2000-01-02"
		case KindCountry, KindCitizenship:
			all[f.Name] = "ru"
		default:
			all[f.Name] = "v-" + f.Name
		}
	}
	req, errs := BuildCheckRequest(all, time.Now())
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var sent map[string]string
	if err := json.Unmarshal(b, &sent); err != nil {
		t.Fatal(err)
	}
	for k, v := range all {
		if sent[k] != v {
			t.Errorf("%s sent as %q, want %q", k, sent[k], v)
		}
	}
	if _, ok := LookupCheckField("document_type"); ok {
		t.Error("document_type is the session's, not the form's")
	}
	if f, ok := LookupCheckField("dob"); !ok || !f.Required || f.Kind != KindDate {
		t.Errorf("dob: %+v %v", f, ok)
	}
}

func TestParseCheckOutcome(t *testing.T) {
	tests := []struct {
		name  string
		steps string
		want  CheckStatus
		names []string
	}{
		{"sandbox match", `{"check":{"status":"match"},"document":{"updated_at":"x"}}`, CheckMatch, nil},
		{"sandbox mismatch", `{"check":{"status":"mismatch","mismatch":["lastName","dob"]}}`, CheckMismatch, []string{"dob", "lastName"}},
		{"sandbox recorded", `{"check":{"status":"recorded"}}`, CheckRecorded, nil},
		{"status code", `{"check":{"status":2,"mismatch":["dob"]}}`, CheckMismatch, []string{"dob"}},
		{"status code match", `{"check":{"status":1}}`, CheckMatch, nil},
		{"bare word", `{"check":"Match"}`, CheckMatch, nil},
		{"bare number", `{"check":0}`, CheckRecorded, nil},
		{"wrapped in data", `{"check":{"updated_at":"2026","data":{"status":"mismatch","mismatch":"dob, lastName"}}}`, CheckMismatch, []string{"dob", "lastName"}},
		{"names only", `{"check":{"mismatch":{"dob":true,"lastName":false,"citizenship":1}}}`, CheckMismatch, []string{"citizenship", "dob"}},
		{"names dropped on match", `{"check":{"status":"match","mismatch":["dob"]}}`, CheckMatch, nil},
		{"mismatch without names", `{"check":{"status":"mismatch"}}`, CheckMismatch, nil},
		{"odd names dropped", `{"check":{"status":"mismatch","mismatch":["dob","dob","<script>","", "a b", 7, null]}}`, CheckMismatch, []string{"dob"}},
		{"no check step", `{"document":{"updated_at":"x"}}`, CheckNoOutcome, nil},
		{"empty", ``, CheckNoOutcome, nil},
		{"null", `null`, CheckNoOutcome, nil},
		{"steps a list", `[{"check":"match"}]`, CheckNoOutcome, nil},
		{"check null", `{"check":null}`, CheckNoOutcome, nil},
		{"unknown word", `{"check":{"status":"pending"}}`, CheckNoOutcome, nil},
		{"unknown number", `{"check":{"status":7}}`, CheckNoOutcome, nil},
		{"status an object", `{"check":{"status":{"x":1}}}`, CheckNoOutcome, nil},
		{"truncated", `{"check":{"status":"mis`, CheckNoOutcome, nil},
		{"empty object", `{"check":{}}`, CheckNoOutcome, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseCheckOutcome(json.RawMessage(tc.steps))
			if got.Status != tc.want || !slices.Equal(got.Mismatch, tc.names) {
				t.Errorf("got %v %q, want %v %q", got.Status, got.Mismatch, tc.want, tc.names)
			}
		})
	}
	t.Run("at most 20 names", func(t *testing.T) {
		var names []string
		for i := range 50 {
			names = append(names, "f"+strings.Repeat("x", i%30)+string(rune('a'+i%26)))
		}
		b, _ := json.Marshal(map[string]any{"check": map[string]any{"status": "mismatch", "mismatch": names}})
		if got := ParseCheckOutcome(b); len(got.Mismatch) != 20 {
			t.Errorf("%d names kept", len(got.Mismatch))
		}
	})
}

func FuzzParseCheckOutcome(f *testing.F) {
	for _, s := range []string{`{"check":{"status":"mismatch","mismatch":["dob"]}}`, `{"check":"match"}`, `{"check":2}`,
		`{"check":{"data":{"mismatch":"a,b"}}}`, `{"check":{"mismatch":{"x":true}}}`, `null`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := ParseCheckOutcome(b)
		if got.Status < CheckNoOutcome || got.Status > CheckRecorded {
			t.Fatalf("status %d", got.Status)
		}
		if got.Status != CheckMismatch && got.Mismatch != nil {
			t.Fatalf("names %q with status %v", got.Mismatch, got.Status)
		}
		if len(got.Mismatch) > maxMismatchNames {
			t.Fatalf("%d names", len(got.Mismatch))
		}
		for _, n := range got.Mismatch {
			if !plainFieldName(n) {
				t.Fatalf("name %q kept", n)
			}
		}
	})
}

func FuzzBuildCheckRequest(f *testing.F) {
	f.Add("ERIKSSON", "ANNA", "12.08.1974", "uto")
	f.Add("", "\x00", "2099-01-01", "R1")
	f.Fuzz(func(t *testing.T, last, first, dob, cit string) {
		now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
		req, errs := BuildCheckRequest(map[string]string{"lastName": last, "firstName": first, "dob": dob, "citizenship": cit}, now)
		if len(errs) > 0 {
			return
		}
		if req.LastName == "" || req.FirstName == "" || strings.IndexFunc(req.LastName+req.FirstName, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
			t.Fatalf("accepted %q %q", req.LastName, req.FirstName)
		}
		d, err := time.Parse(time.DateOnly, req.DOB)
		if err != nil || d.After(now) {
			t.Fatalf("dob %q accepted", req.DOB)
		}
	})
}
