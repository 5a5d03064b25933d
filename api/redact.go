package api

import (
	"net/url"
	"strings"
)

// Redacted is what Redact puts in place of a secret.
const Redacted = "[REDACTED]"

// Redact returns s with every occurrence of each non-empty secret replaced
// by Redacted, in its plain, URL-query-escaped and URL-path-escaped forms,
// and with anything shaped like a Laravel Sanctum token ("<digits>|<40+
// alphanumerics>") redacted too. Use it on any text that may echo a secret
// before it reaches a log line, an error string or the screen.
func Redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		s = strings.ReplaceAll(s, sec, Redacted)
		if q := url.QueryEscape(sec); q != sec {
			s = strings.ReplaceAll(s, q, Redacted)
		}
		if p := url.PathEscape(sec); p != sec {
			s = strings.ReplaceAll(s, p, Redacted)
		}
	}
	return redactSanctum(s)
}

// redactSanctum replaces "<digits>|<40 or more alphanumerics>" runs, the
// shape of the service's API keys, whoever's key it is.
func redactSanctum(s string) string {
	if !strings.Contains(s, "|") {
		return s
	}
	var b strings.Builder
	i := 0
	for {
		j := strings.IndexByte(s[i:], '|')
		if j < 0 {
			b.WriteString(s[i:])
			return b.String()
		}
		bar := i + j
		start := bar
		for start > i && isDigit(s[start-1]) {
			start--
		}
		end := bar + 1
		for end < len(s) && isAlnum(s[end]) {
			end++
		}
		if start < bar && end-bar-1 >= 40 {
			b.WriteString(s[i:start])
			b.WriteString(Redacted)
		} else {
			b.WriteString(s[i:end])
		}
		i = end
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// ValidUUID reports whether s is a UUID in the RFC 4122 textual form
// (8-4-4-4-12 hexadecimal digits, either case). Every call that puts a
// UUID into a path checks it first, so nothing else can reach the URL.
func ValidUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}
