package graph

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"
)

// Sentinel errors; the errors Load and Run return wrap one of them.
var (
	// ErrFormat means model.json or a weight shard is malformed.
	ErrFormat = errors.New("malformed graph model")
	// ErrUnsupportedOp means the graph uses an op (or an op variant) this
	// package does not implement.
	ErrUnsupportedOp = errors.New("unsupported op")
	// ErrShape means tensor shapes do not fit together.
	ErrShape = errors.New("shape mismatch")
	// ErrInput means Run was given missing or ill-shaped inputs.
	ErrInput = errors.New("bad input")
	// ErrClosed means the Session was closed.
	ErrClosed = errors.New("session closed")
)

// modelJSON is the part of a TensorFlow.js graph model file this package reads.
type modelJSON struct {
	Format        string `json:"format"`
	ModelTopology struct {
		Node []nodeJSON `json:"node"`
	} `json:"modelTopology"`
	WeightsManifest []struct {
		Paths   []string     `json:"paths"`
		Weights []weightJSON `json:"weights"`
	} `json:"weightsManifest"`
	Signature           *signatureJSON `json:"signature"`
	UserDefinedMetadata struct {
		Signature *signatureJSON `json:"signature"`
	} `json:"userDefinedMetadata"`
}

type signatureJSON struct {
	Inputs  map[string]struct{ Name string } `json:"inputs"`
	Outputs map[string]struct{ Name string } `json:"outputs"`
}

type nodeJSON struct {
	Name  string              `json:"name"`
	Op    string              `json:"op"`
	Input []string            `json:"input"`
	Attr  map[string]attrJSON `json:"attr"`
}

type attrJSON struct {
	S     *string  `json:"s"`
	I     *jsonInt `json:"i"`
	F     *float64 `json:"f"`
	B     *bool    `json:"b"`
	Type  string   `json:"type"`
	Shape *struct {
		Dim []struct {
			Size jsonInt `json:"size"`
		} `json:"dim"`
		UnknownRank bool `json:"unknownRank"`
	} `json:"shape"`
	Tensor *struct {
		TensorShape struct {
			Dim []struct {
				Size jsonInt `json:"size"`
			} `json:"dim"`
		} `json:"tensorShape"`
	} `json:"tensor"`
	List *struct {
		S []string  `json:"s"`
		I []jsonInt `json:"i"`
		F []float64 `json:"f"`
	} `json:"list"`
}

// jsonInt accepts int64 values written as JSON strings ("12") or numbers.
type jsonInt int64

// UnmarshalJSON decodes "12" or 12.
func (j *jsonInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("integer %q: %w", s, ErrFormat)
	}
	*j = jsonInt(v)
	return nil
}

type weightJSON struct {
	Name         string `json:"name"`
	Shape        []int  `json:"shape"`
	DType        string `json:"dtype"`
	Quantization *struct {
		DType string   `json:"dtype"`
		Min   *float64 `json:"min"`
		Scale *float64 `json:"scale"`
	} `json:"quantization"`
}

// constant is a decoded weight: float32 data, or int32 for shape-like values.
type constant struct {
	shape []int
	f     []float32
	i     []int32
	isInt bool
}

// Load reads the graph model name+".json" and its weight shards from fsys
// (shard paths are relative to the JSON file's directory), checks it and
// returns it ready to run. name may include directories, e.g. "models/iris".
func Load(fsys fs.FS, name string) (*Model, error) {
	file := name
	if !strings.HasSuffix(file, ".json") {
		file += ".json"
	}
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("read model %s: %w", file, err)
	}
	dir := path.Dir(file)
	m, err := parseModel(data, func(p string) ([]byte, error) {
		full := path.Join(dir, p)
		if !fs.ValidPath(full) || strings.Contains(p, "..") {
			return nil, fmt.Errorf("weight path %q: %w", p, ErrFormat)
		}
		return fs.ReadFile(fsys, full)
	})
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", file, err)
	}
	m.name = strings.TrimSuffix(path.Base(file), ".json")
	return m, nil
}

// parseModel decodes model.json and its shards (read through readShard).
func parseModel(data []byte, readShard func(string) ([]byte, error)) (*Model, error) {
	var mj modelJSON
	if err := json.Unmarshal(data, &mj); err != nil {
		return nil, fmt.Errorf("decode json: %w: %w", ErrFormat, err)
	}
	if mj.Format != "" && mj.Format != "graph-model" {
		return nil, fmt.Errorf("format %q is not graph-model: %w", mj.Format, ErrFormat)
	}
	if len(mj.ModelTopology.Node) == 0 {
		return nil, fmt.Errorf("no nodes: %w", ErrFormat)
	}
	consts, err := readWeights(&mj, readShard)
	if err != nil {
		return nil, err
	}
	sig := mj.Signature
	if sig == nil {
		sig = mj.UserDefinedMetadata.Signature
	}
	return buildModel(mj.ModelTopology.Node, consts, sig)
}

// readWeights reads every shard group and decodes its weights by name.
func readWeights(mj *modelJSON, readShard func(string) ([]byte, error)) (map[string]*constant, error) {
	consts := map[string]*constant{}
	for gi, group := range mj.WeightsManifest {
		var buf []byte
		for _, p := range group.Paths {
			b, err := readShard(p)
			if err != nil {
				return nil, fmt.Errorf("read weight shard %q: %w", p, err)
			}
			buf = append(buf, b...)
		}
		off := 0
		for _, w := range group.Weights {
			c, n, err := decodeWeight(w, buf[off:])
			if err != nil {
				return nil, fmt.Errorf("weight %q (group %d): %w", w.Name, gi, err)
			}
			off += n
			if _, dup := consts[w.Name]; dup {
				return nil, fmt.Errorf("weight %q listed twice: %w", w.Name, ErrFormat)
			}
			consts[w.Name] = c
		}
	}
	return consts, nil
}

// decodeWeight decodes one weight from the front of buf and returns it with
// the number of bytes it used.
func decodeWeight(w weightJSON, buf []byte) (*constant, int, error) {
	n, err := checkedElements(w.Shape)
	if err != nil {
		return nil, 0, err
	}
	c := &constant{shape: append([]int(nil), w.Shape...)}
	switch w.DType {
	case "float32", "int32":
	default:
		return nil, 0, fmt.Errorf("dtype %q: %w", w.DType, ErrFormat)
	}
	c.isInt = w.DType == "int32"
	if q := w.Quantization; q != nil {
		size := map[string]int{"float16": 2, "uint8": 1, "uint16": 2}[q.DType]
		if size == 0 {
			return nil, 0, fmt.Errorf("quantization dtype %q: %w", q.DType, ErrFormat)
		}
		if n > len(buf)/size {
			return nil, 0, fmt.Errorf("shard too short for %d %s values: %w", n, q.DType, ErrFormat)
		}
		vals := make([]float32, n)
		switch q.DType {
		case "float16":
			for i := range vals {
				vals[i] = halfToFloat(binary.LittleEndian.Uint16(buf[2*i:]))
			}
		default:
			if q.Min == nil || q.Scale == nil {
				return nil, 0, fmt.Errorf("%s quantization without min and scale: %w", q.DType, ErrFormat)
			}
			// In float64 then rounded, as tfjs computes q·scale + min.
			lo, scale := *q.Min, *q.Scale
			for i := range vals {
				var v uint16
				if size == 1 {
					v = uint16(buf[i])
				} else {
					v = binary.LittleEndian.Uint16(buf[2*i:])
				}
				vals[i] = float32(float64(v)*scale + lo)
			}
		}
		if c.isInt {
			c.i = make([]int32, n)
			for i, v := range vals {
				c.i[i] = int32(math.Round(float64(v)))
			}
		} else {
			c.f = vals
		}
		return c, n * size, nil
	}
	if n > len(buf)/4 {
		return nil, 0, fmt.Errorf("shard too short for %d %s values: %w", n, w.DType, ErrFormat)
	}
	if c.isInt {
		c.i = make([]int32, n)
		for i := range c.i {
			c.i[i] = int32(binary.LittleEndian.Uint32(buf[4*i:]))
		}
	} else {
		c.f = make([]float32, n)
		for i := range c.f {
			c.f[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		}
	}
	return c, n * 4, nil
}

// halfToFloat converts an IEEE 754 binary16 value to float32.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0 && mant == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: normalise
		e := uint32(127 - 15 + 1)
		for mant&0x400 == 0 {
			mant <<= 1
			e--
		}
		mant &= 0x3ff
		return math.Float32frombits(sign | e<<23 | mant<<13)
	case exp == 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	default:
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	}
}

// attribute helpers

func (a attrJSON) str() (string, error) {
	if a.S == nil {
		return "", fmt.Errorf("string attribute missing: %w", ErrFormat)
	}
	b, err := base64.StdEncoding.DecodeString(*a.S)
	if err != nil {
		return "", fmt.Errorf("string attribute: %w: %w", ErrFormat, err)
	}
	return string(b), nil
}

func (a attrJSON) strList() ([]string, error) {
	if a.List == nil {
		return nil, nil
	}
	out := make([]string, len(a.List.S))
	for i, s := range a.List.S {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("string list attribute: %w: %w", ErrFormat, err)
		}
		out[i] = string(b)
	}
	return out, nil
}

func (a attrJSON) intList() []int {
	if a.List == nil {
		return nil
	}
	out := make([]int, len(a.List.I))
	for i, v := range a.List.I {
		out[i] = int(v)
	}
	return out
}
