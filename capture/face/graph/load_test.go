package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func readOps(t testing.TB) (js, bin []byte) {
	t.Helper()
	js, err := os.ReadFile(filepath.Join("testdata", "ops", "ops-a.json"))
	if err != nil {
		t.Fatal(err)
	}
	bin, err = os.ReadFile(filepath.Join("testdata", "ops", "ops-a.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return js, bin
}

// edit applies f to every node of the model JSON s.
func edit(t *testing.T, s string, f func(node map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	for _, n := range m["modelTopology"].(map[string]any)["node"].([]any) {
		f(n.(map[string]any))
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// setInput returns an edit replacing input i of node name.
func setInput(name string, i int, to string) func(map[string]any) {
	return func(n map[string]any) {
		if n["name"] == name {
			n["input"].([]any)[i] = to
		}
	}
}

// TestLoadMalformed feeds corrupted variants of a valid model to Load and
// checks each fails with the expected sentinel and message.
func TestLoadMalformed(t *testing.T) {
	js, bin := readOps(t)
	s := string(js)
	tests := []struct {
		name     string
		json     string
		bin      []byte
		files    map[string]string // extra files
		want     error
		contains string
	}{
		{name: "not json", json: "{\"format\": ", bin: bin, want: ErrFormat},
		{name: "empty object", json: "{}", bin: bin, want: ErrFormat},
		{name: "layers model", json: strings.Replace(s, `"graph-model"`, `"layers-model"`, 1), bin: bin, want: ErrFormat},
		{name: "unknown op", json: strings.Replace(s, `"op": "Square"`, `"op": "Erfinv"`, 1), bin: bin, want: ErrUnsupportedOp, contains: `op "Erfinv" in node "sq"`},
		{name: "unknown fused op", json: strings.Replace(s, `"UmVsdTY="`, `"RWx1"`, 1), bin: bin, want: ErrUnsupportedOp, contains: "out_conv33"},
		{name: "NCHW", json: strings.Replace(s, `"TkhXQw=="`, `"TkNIVw=="`, 1), bin: bin, want: ErrUnsupportedOp, contains: "NCHW"},
		{name: "bad padding", json: strings.Replace(s, `"U0FNRQ=="`, `"RVhQTElDSVQ="`, 1), bin: bin, want: ErrUnsupportedOp, contains: "EXPLICIT"},
		{name: "short shard", json: s, bin: bin[:len(bin)-8], want: ErrFormat, contains: "shard too short"},
		{name: "empty shard", json: s, bin: nil, want: ErrFormat},
		{name: "missing shard", json: strings.Replace(s, `"ops-a.bin"`, `"nope.bin"`, 1), bin: bin, want: os.ErrNotExist},
		{name: "path traversal", json: strings.Replace(s, `"ops-a.bin"`, `"../ops-a.bin"`, 1), bin: bin, want: ErrFormat},
		{name: "string dtype", json: strings.Replace(s, `"dtype": "float32"`, `"dtype": "string"`, 1), bin: bin, want: ErrFormat},
		{name: "bad quantization", json: strings.Replace(s, `"dtype": "float32"`, `"dtype": "float32", "quantization": {"dtype": "int4"}`, 1), bin: bin, want: ErrFormat},
		{name: "uint8 without scale", json: strings.Replace(s, `"dtype": "float32"`, `"dtype": "float32", "quantization": {"dtype": "uint8"}`, 1), bin: bin, want: ErrFormat},
		{name: "huge shape", json: strings.Replace(s, `"shape": [`, `"shape": [1000000000, 1000000000, `, 1), bin: bin, want: ErrShape},
		{name: "negative shape", json: strings.Replace(s, `"shape": [`, `"shape": [-3, `, 1), bin: bin, want: ErrShape},
		{name: "dangling input", json: edit(t, s, setInput("sq", 0, "nothing")), bin: bin, want: ErrFormat, contains: "nothing"},
		{name: "cycle", json: edit(t, s, setInput("c1", 0, "c2")), bin: bin, want: ErrFormat, contains: "cycle"},
		{name: "second output port", json: edit(t, s, setInput("sq", 0, "cat:1")), bin: bin, want: ErrUnsupportedOp, contains: ""},
		{name: "filter channels mismatch", json: edit(t, s, setInput("c2", 0, "x")), bin: bin, want: ErrShape, contains: `"c2"`},
		{name: "reshape impossible", json: edit(t, s, setInput("out_reshape", 0, "x")), bin: bin, want: ErrShape, contains: "out_reshape"},
		{name: "duplicate node", json: strings.Replace(s, `"name": "sq"`, `"name": "ab"`, 1), bin: bin, want: ErrFormat},
		{name: "placeholder unknown rank", json: edit(t, s, func(n map[string]any) {
			if n["name"] == "x" {
				n["attr"].(map[string]any)["shape"] = map[string]any{"shape": map[string]any{"unknownRank": true}}
			}
		}), bin: bin, want: ErrUnsupportedOp},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.json == s && tc.bin != nil && bytes.Equal(tc.bin, bin) {
				t.Fatal("test case does not change the model")
			}
			fsys := fstest.MapFS{
				"m/ops-a.json": {Data: []byte(tc.json)},
				"m/ops-a.bin":  {Data: tc.bin},
				"ops-a.bin":    {Data: bin},
			}
			_, err := Load(fsys, "m/ops-a")
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q does not mention %q", err, tc.contains)
			}
		})
	}
	t.Run("valid", func(t *testing.T) {
		fsys := fstest.MapFS{"m/ops-a.json": {Data: js}, "m/ops-a.bin": {Data: bin}}
		if _, err := Load(fsys, "m/ops-a.json"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestHalfToFloat checks the float16 decoder on its special values.
func TestHalfToFloat(t *testing.T) {
	tests := []struct {
		name string
		h    uint16
		want float32
	}{
		{"zero", 0x0000, 0},
		{"one", 0x3c00, 1},
		{"minus two", 0xc000, -2},
		{"max", 0x7bff, 65504},
		{"smallest subnormal", 0x0001, 5.960464477539063e-08},
		{"largest subnormal", 0x03ff, 6.097555160522461e-05},
		{"smallest normal", 0x0400, 6.103515625e-05},
		{"third", 0x3555, 0.333251953125},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := halfToFloat(tc.h); got != tc.want {
				t.Errorf("halfToFloat(%#04x) = %v, want %v", tc.h, got, tc.want)
			}
		})
	}
	if v := halfToFloat(0x7c00); v <= 3e38 {
		t.Errorf("+inf decoded as %v", v)
	}
	if v := halfToFloat(0x7e00); v == v {
		t.Errorf("NaN decoded as %v", v)
	}
}

// FuzzLoad checks that corrupted model JSON and shards give errors, never
// panics, and that a model that loads also runs (when small).
func FuzzLoad(f *testing.F) {
	js, bin := readOps(f)
	f.Add(js, bin)
	f.Add(js, bin[:len(bin)/2])
	f.Add([]byte(`{"modelTopology":{"node":[{"name":"x","op":"Placeholder","attr":{"shape":{"shape":{"dim":[{"size":"1"},{"size":"2"}]}}}},{"name":"y","op":"Relu","input":["x"]}]},"weightsManifest":[]}`), []byte{})
	f.Fuzz(func(t *testing.T, js, bin []byte) {
		m, err := parseModel(js, func(string) ([]byte, error) { return bin, nil })
		if err != nil {
			return
		}
		shapes, err := m.inferShapes(nil)
		if err != nil {
			t.Fatalf("model loaded but shapes fail: %v", err)
		}
		total := 0
		for _, s := range shapes {
			total += numElements(s)
		}
		if total > 1<<12 {
			return
		}
		s := m.newSession(genericKernels(), 2)
		defer s.Close()
		ins := make([]*Tensor, len(m.inputs))
		for i, id := range m.inputs {
			ins[i] = NewTensor(concrete(m.values[id].shape, 1)...)
		}
		_, _ = s.RunTensors(ins...)
	})
}

// TestDecodeWeight checks every weight encoding the loader accepts.
func TestDecodeWeight(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	type q = struct {
		DType string   `json:"dtype"`
		Min   *float64 `json:"min"`
		Scale *float64 `json:"scale"`
	}
	tests := []struct {
		name  string
		w     weightJSON
		buf   []byte
		want  []float32
		wantI []int32
		used  int
	}{
		{name: "float32", w: weightJSON{Shape: []int{2}, DType: "float32"}, buf: []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 9}, want: []float32{1, -2}, used: 8},
		{name: "int32", w: weightJSON{Shape: []int{2}, DType: "int32"}, buf: []byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}, wantI: []int32{1, -1}, used: 8},
		{name: "float16", w: weightJSON{Shape: []int{3}, DType: "float32", Quantization: &q{DType: "float16"}}, buf: []byte{0, 0x3c, 0, 0xc0, 0x55, 0x35}, want: []float32{1, -2, 0.333251953125}, used: 6},
		{name: "uint8", w: weightJSON{Shape: []int{3}, DType: "float32", Quantization: &q{DType: "uint8", Min: f(-1), Scale: f(0.5)}}, buf: []byte{0, 2, 255}, want: []float32{-1, 0, 126.5}, used: 3},
		{name: "uint16", w: weightJSON{Shape: []int{2}, DType: "float32", Quantization: &q{DType: "uint16", Min: f(1), Scale: f(0.25)}}, buf: []byte{4, 0, 0, 1}, want: []float32{2, 65}, used: 4},
		{name: "uint8 int32", w: weightJSON{Shape: []int{2}, DType: "int32", Quantization: &q{DType: "uint8", Min: f(-3), Scale: f(1)}}, buf: []byte{0, 10}, wantI: []int32{-3, 7}, used: 2},
		{name: "scalar", w: weightJSON{Shape: []int{}, DType: "float32"}, buf: []byte{0, 0, 0x80, 0x3f}, want: []float32{1}, used: 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, n, err := decodeWeight(tc.w, tc.buf)
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.used {
				t.Errorf("used %d bytes, want %d", n, tc.used)
			}
			if tc.wantI != nil {
				if !c.isInt || len(c.i) != len(tc.wantI) {
					t.Fatalf("got %+v, want ints %v", c, tc.wantI)
				}
				for i := range tc.wantI {
					if c.i[i] != tc.wantI[i] {
						t.Errorf("value %d = %d, want %d", i, c.i[i], tc.wantI[i])
					}
				}
				return
			}
			if c.isInt || len(c.f) != len(tc.want) {
				t.Fatalf("got %+v, want %v", c, tc.want)
			}
			for i := range tc.want {
				if c.f[i] != tc.want[i] {
					t.Errorf("value %d = %v, want %v", i, c.f[i], tc.want[i])
				}
			}
		})
	}
}
