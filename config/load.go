package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxFileBytes bounds a configuration file; real ones are a few KiB.
const maxFileBytes = 1 << 20

// DefaultPath returns $XDG_CONFIG_HOME/kycterm/config.yaml, or
// ~/.config/kycterm/config.yaml when XDG_CONFIG_HOME is unset.
func DefaultPath(env func(string) string) (string, error) {
	if d := env("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "kycterm", "config.yaml"), nil
	}
	home := env("HOME")
	if home == "" {
		return "", errors.New("config path: neither XDG_CONFIG_HOME nor HOME is set")
	}
	return filepath.Join(home, ".config", "kycterm", "config.yaml"), nil
}

// Load reads the YAML file at path over Default. A missing file gives an
// error that wraps fs.ErrNotExist; the caller decides whether that matters.
// A file holding api_key that group or others can read is refused with
// ErrInsecureFile and the chmod command to run.
func Load(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("open config: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Config{}, fmt.Errorf("stat config: %w", err)
	}
	if !st.Mode().IsRegular() {
		return Config{}, fmt.Errorf("config %s: not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(data, path)
	if err != nil {
		return Config{}, err
	}
	if c.APIKey != "" {
		if err := checkPrivate(path, st.Mode()); err != nil {
			return Config{}, err
		}
	}
	return c, nil
}

// checkPrivate refuses a secret-holding file others can read.
func checkPrivate(path string, mode fs.FileMode) error {
	if mode.Perm()&0o077 == 0 {
		return nil
	}
	return &Error{
		Pos: path,
		Msg: fmt.Sprintf("holds api_key but is readable by group or others (mode %04o); run: chmod 600 %s",
			mode.Perm(), shellQuote(path)),
		Err: ErrInsecureFile,
	}
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+,:@%", r))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Parse reads YAML configuration bytes over Default; name is used in
// positions ("name:7"). Unknown keys, duplicates and values of the wrong
// type are errors naming the key and line; all of them are reported.
func Parse(data []byte, name string) (Config, error) {
	c := Default()
	if len(data) > maxFileBytes {
		return Config{}, &Error{Pos: name, Msg: fmt.Sprintf("larger than %d bytes", maxFileBytes), Err: ErrTooLarge}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return c, nil // empty file: all defaults
		}
		return Config{}, &Error{Pos: name, Msg: cleanYAMLError(err), Err: ErrInvalid}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Config{}, &Error{Pos: fmt.Sprintf("%s:%d", name, extra.Line), Msg: "more than one YAML document", Err: ErrInvalid}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return c, nil
		}
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return c, nil
	}
	var errs []error
	p := parser{name: name, cfg: &c, errs: &errs}
	p.mapping(root, reflect.ValueOf(&c).Elem(), "")
	if err := joinErrors(errs); err != nil {
		return Config{}, err
	}
	return c, nil
}

// cleanYAMLError drops the library's "yaml: " prefix; the line is kept.
func cleanYAMLError(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

type parser struct {
	name string
	cfg  *Config
	errs *[]error
}

func (p parser) pos(n *yaml.Node) string { return fmt.Sprintf("%s:%d", p.name, n.Line) }

func (p parser) fail(n *yaml.Node, key, msg string, sentinel error) {
	*p.errs = append(*p.errs, &Error{Pos: p.pos(n), Key: key, Msg: msg, Err: sentinel})
}

// mapping decodes node into the struct v, whose keys start with prefix.
func (p parser) mapping(n *yaml.Node, v reflect.Value, prefix string) {
	at := n // positions name where the user wrote the value, not an alias's anchor
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		key := strings.TrimSuffix(prefix, ".")
		what := "the top level"
		if key != "" {
			what = "this key"
		}
		p.fail(at, key, what+" must be a mapping of keys to values", ErrInvalid)
		return
	}
	seen := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if kn.Kind != yaml.ScalarNode {
			p.fail(kn, strings.TrimSuffix(prefix, "."), "a key must be a plain name", ErrInvalid)
			continue
		}
		key := prefix + kn.Value
		if line, dup := seen[kn.Value]; dup {
			p.fail(kn, "", fmt.Sprintf("key %q given twice (first at line %d)", key, line), ErrInvalid)
			continue
		}
		seen[kn.Value] = kn.Line
		sf, ok := structField(v.Type(), kn.Value)
		if !ok {
			p.fail(kn, "", fmt.Sprintf("unknown key %q", key), ErrUnknownKey)
			continue
		}
		fv := v.FieldByIndex(sf.Index)
		if sf.Type.Kind() == reflect.Struct {
			if vn.Kind == yaml.ScalarNode && vn.ShortTag() == "!!null" {
				continue // "camera:" with nothing under it keeps the defaults
			}
			p.mapping(vn, fv, key+".")
			continue
		}
		p.leaf(vn, fv, key, sf.Tag.Get("secret") == "true")
	}
}

func structField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.IsExported() && strings.Split(sf.Tag.Get("yaml"), ",")[0] == name {
			return sf, true
		}
	}
	return reflect.StructField{}, false
}

// leaf decodes one scalar value into v, checking its YAML type strictly.
func (p parser) leaf(n *yaml.Node, v reflect.Value, key string, secret bool) {
	at := n
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		p.fail(at, key, "want a single value, not a list or mapping", ErrInvalid)
		return
	}
	tag := n.ShortTag()
	quoted := func() string {
		if secret {
			return "value"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	var err error
	switch {
	case isDuration(v.Type()):
		var d Duration
		if err = n.Decode(&d); err == nil {
			v.SetInt(int64(d))
		}
	case v.Kind() == reflect.String:
		switch tag {
		case "!!str":
			v.SetString(n.Value)
		case "!!null":
			v.SetString("")
		default:
			err = fmt.Errorf("%s is a %s, want text (quote it)", quoted(), strings.TrimPrefix(tag, "!!"))
		}
	case v.Kind() == reflect.Bool:
		if tag != "!!bool" {
			err = fmt.Errorf("%s: want true or false", quoted())
			break
		}
		var b bool
		if err = n.Decode(&b); err == nil {
			v.SetBool(b)
		}
	case v.Kind() == reflect.Int || v.Kind() == reflect.Int64:
		if tag != "!!int" {
			err = fmt.Errorf("%s: want a whole number", quoted())
			break
		}
		var i int64
		if derr := n.Decode(&i); derr != nil || v.OverflowInt(i) {
			err = fmt.Errorf("%s: number out of range", quoted())
			break
		}
		v.SetInt(i)
	default:
		err = fmt.Errorf("unsupported setting type %s", v.Type())
	}
	if err != nil {
		p.fail(at, key, err.Error(), ErrInvalid)
		return
	}
	p.cfg.setOrigin(key, p.pos(at))
}
