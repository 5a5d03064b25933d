package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Error is one problem with one key. Pos is where the value came from (a
// file and line, an environment variable or a flag), Key its dotted path.
type Error struct {
	Pos string
	Key string
	Msg string
	// Err is the sentinel the problem is an instance of (ErrUnknownKey,
	// ErrInvalid…).
	Err error
}

// Error formats the problem as "pos: key: msg".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos != "" {
		b.WriteString(e.Pos)
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// field is one settable leaf of Config.
type field struct {
	key    string // dotted path, e.g. "camera.device"
	index  []int
	typ    reflect.Type
	secret bool
}

// isDuration reports whether t is Duration, parsed from "30s" rather than a number.
func isDuration(t reflect.Type) bool { return t == reflect.TypeFor[Duration]() }

// fields lists every leaf of Config in declaration order.
func fields() []field {
	var out []field
	var walk func(t reflect.Type, prefix string, index []int)
	walk = func(t reflect.Type, prefix string, index []int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			name := strings.Split(sf.Tag.Get("yaml"), ",")[0]
			if !sf.IsExported() || name == "" || name == "-" {
				continue
			}
			idx := append(append([]int(nil), index...), i)
			key := prefix + name
			if sf.Type.Kind() == reflect.Struct {
				walk(sf.Type, key+".", idx)
				continue
			}
			out = append(out, field{key: key, index: idx, typ: sf.Type, secret: sf.Tag.Get("secret") == "true"})
		}
	}
	walk(reflect.TypeFor[Config](), "", nil)
	return out
}

func findField(key string) (field, bool) {
	for _, f := range fields() {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
}

// Keys returns every key's dotted path, in the order of the file.
func Keys() []string {
	fs := fields()
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.key
	}
	return out
}

// EnvName returns the environment variable that sets key.
func EnvName(key string) string {
	switch key {
	case "api_key", "base_url", "auth_header", "auth_scheme":
		return "AMLKYC_" + strings.ToUpper(key)
	}
	return "KYCTERM_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Set parses value into key from a string, as the environment and flags
// give it; origin names where the value came from ("--lang",
// "$KYCTERM_UI_LANG") for error messages and Origin.
func (c *Config) Set(key, value, origin string) error {
	f, ok := findField(key)
	if !ok {
		return &Error{Pos: origin, Msg: fmt.Sprintf("unknown key %q", key), Err: ErrUnknownKey}
	}
	v := reflect.ValueOf(c).Elem().FieldByIndex(f.index)
	if err := setString(v, value); err != nil {
		return &Error{Pos: origin, Key: key, Msg: describe(f, value, err), Err: ErrInvalid}
	}
	c.setOrigin(key, origin)
	return nil
}

// describe words a parse failure, quoting the value unless it is secret.
func describe(f field, value string, err error) string {
	if f.secret {
		return err.Error()
	}
	return fmt.Sprintf("%q: %v", value, err)
}

func setString(v reflect.Value, s string) error {
	if isDuration(v.Type()) {
		d, err := parseDuration(s)
		if err != nil {
			return fmt.Errorf("want a duration such as \"30s\" or \"2m\"")
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("want true or false")
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("want a whole number")
		}
		v.SetInt(n)
	default:
		return fmt.Errorf("cannot set a %s", v.Kind())
	}
	return nil
}

// ApplyEnv overlays the environment variables that are set and not empty
// (see the package comment for their names). All problems are returned
// together.
func (c *Config) ApplyEnv(env func(string) string) error {
	var errs []error
	for _, f := range fields() {
		name := EnvName(f.key)
		val := env(name)
		if val == "" {
			continue
		}
		if f.key == "auth_scheme" && strings.EqualFold(val, "none") {
			val = ""
		}
		if err := c.Set(f.key, val, "$"+name); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrors(errs)
}

// joinErrors is errors.Join that keeps a single error as it is.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return multiError(errs)
}

// multiError is several problems, one per line.
type multiError []error

func (m multiError) Error() string {
	parts := make([]string, len(m))
	for i, e := range m {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

func (m multiError) Unwrap() []error { return m }
