// Package i18n holds every operator- and customer-facing string of the
// kiosk's terminal interface, in English and Russian, in one place.
//
// Strings are looked up by key; a key's text may carry fmt verbs, which
// every language's text must have in the same order. A missing key shows
// as the key itself, so a gap is visible on screen and caught by the
// package's tests rather than crashing the kiosk.
package i18n

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrUnknownLang reports a language the catalogs do not have.
var ErrUnknownLang = errors.New("unknown interface language (use en or ru)")

// Catalog is one language's strings.
type Catalog struct {
	lang string
	msgs map[string]string
}

// Langs returns the supported languages.
func Langs() []string { return []string{"en", "ru"} }

// New returns the catalog of lang ("en" or "ru"); an empty lang is English.
func New(lang string) (*Catalog, error) {
	lang = strings.ToLower(strings.TrimSpace(lang))
	switch lang {
	case "", "en":
		return &Catalog{lang: "en", msgs: english()}, nil
	case "ru":
		return &Catalog{lang: "ru", msgs: russian()}, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownLang, lang)
}

// Lang returns the catalog's language code.
func (c *Catalog) Lang() string { return c.lang }

// T returns the text of key, formatted with args when it has verbs.
func (c *Catalog) T(key string, args ...any) string {
	s, ok := c.msgs[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Has reports whether the catalog has key.
func (c *Catalog) Has(key string) bool {
	_, ok := c.msgs[key]
	return ok
}

// Keys returns the catalog's keys, sorted.
func (c *Catalog) Keys() []string {
	out := make([]string, 0, len(c.msgs))
	for k := range c.msgs {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Raw returns the unformatted text of key.
func (c *Catalog) Raw(key string) string { return c.msgs[key] }
