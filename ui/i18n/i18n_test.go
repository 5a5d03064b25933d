package i18n

import (
	"errors"
	"regexp"
	"slices"
	"testing"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	en, err := New("en")
	if err != nil {
		t.Fatal(err)
	}
	ru, err := New("ru")
	if err != nil {
		t.Fatal(err)
	}
	ek, rk := en.Keys(), ru.Keys()
	for _, k := range ek {
		if !ru.Has(k) {
			t.Errorf("ru lacks %q", k)
		}
	}
	for _, k := range rk {
		if !en.Has(k) {
			t.Errorf("en lacks %q", k)
		}
	}
	if len(ek) < 50 {
		t.Errorf("only %d keys: catalogs look truncated", len(ek))
	}
}

// verbs matches fmt verbs, ignoring %%.
var verbsRE = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)

func TestCatalogsHaveTheSameVerbs(t *testing.T) {
	en, _ := New("en")
	ru, _ := New("ru")
	for _, k := range en.Keys() {
		t.Run(k, func(t *testing.T) {
			ev := verbsRE.FindAllString(en.Raw(k), -1)
			rv := verbsRE.FindAllString(ru.Raw(k), -1)
			if !slices.Equal(ev, rv) {
				t.Errorf("verbs differ: en %v, ru %v", ev, rv)
			}
			if en.Raw(k) == "" || ru.Raw(k) == "" {
				t.Error("empty text")
			}
		})
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name, lang, want string
		err              error
	}{
		{name: "empty is english", lang: "", want: "en"},
		{name: "english", lang: "en", want: "en"},
		{name: "russian upper case", lang: " RU ", want: "ru"},
		{name: "german", lang: "de", err: ErrUnknownLang},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.lang)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil || c.Lang() != tc.want {
				t.Fatalf("New(%q) = %v, %v", tc.lang, c, err)
			}
		})
	}
}

func TestT(t *testing.T) {
	en, _ := New("en")
	if got := en.T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key shows %q", got)
	}
	if got := en.T("liveness.frames", 2, 3); got != "2/3 frames" {
		t.Errorf("formatted = %q", got)
	}
}
