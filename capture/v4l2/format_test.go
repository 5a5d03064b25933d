package v4l2

import (
	"errors"
	"strings"
	"testing"

	"github.com/kycterm/kycterm/capture"
)

func discrete(sizes ...Size) []SizeRange {
	var out []SizeRange
	for _, s := range sizes {
		out = append(out, SizeRange{Min: s, Max: s})
	}
	return out
}

func TestChoose(t *testing.T) {
	hd, vga, qvga := Size{1280, 720}, Size{640, 480}, Size{320, 240}
	mjpgHD := Format{FourCC: "MJPG", Sizes: discrete(vga, hd)}
	mjpgVGA := Format{FourCC: "MJPG", Sizes: discrete(qvga, vga)}
	yuyvAll := Format{FourCC: "YUYV", Sizes: discrete(qvga, vga, hd)}
	yuyvSmall := Format{FourCC: "YUYV", Sizes: discrete(qvga)}
	bayer := Format{FourCC: "BA81", Sizes: discrete(vga)}
	step := Format{FourCC: "NV12", Sizes: []SizeRange{{Min: Size{48, 32}, Max: Size{1920, 1080}, Step: Size{16, 8}}}}
	tests := []struct {
		name    string
		offered []Format
		req     Request
		want    Choice
		wantErr string
	}{
		{"mjpeg hd preferred", []Format{yuyvAll, mjpgHD}, Request{}, Choice{"MJPG", hd}, ""},
		{"hd beats mjpeg", []Format{mjpgVGA, yuyvAll}, Request{}, Choice{"YUYV", hd}, ""},
		{"mjpeg vga fallback", []Format{mjpgVGA, yuyvSmall}, Request{}, Choice{"MJPG", vga}, ""},
		{"closest size", []Format{yuyvSmall, bayer}, Request{}, Choice{"YUYV", qvga}, ""},
		{"stepwise", []Format{step}, Request{}, Choice{"NV12", hd}, ""},
		{"stepwise odd size", []Format{step}, Request{Size: Size{1000, 500}}, Choice{}, "no format offers 1000x500"},
		{"explicit format", []Format{mjpgHD, yuyvAll}, Request{FourCC: "YUYV"}, Choice{"YUYV", hd}, ""},
		{"explicit size", []Format{mjpgHD, yuyvAll}, Request{Size: qvga}, Choice{"YUYV", qvga}, ""},
		{"explicit format missing", []Format{yuyvAll, bayer}, Request{FourCC: "MJPG"}, Choice{}, "does not offer MJPG; it offers YUYV (320x240, 640x480, 1280x720); also BA81 (not readable by kycterm)"},
		{"grouped", []Format{yuyvAll, {FourCC: "GREY", Sizes: discrete(qvga, vga, hd)}, yuyvSmall}, Request{Size: Size{1, 1}}, Choice{}, "offers YUYV, GREY (320x240, 640x480, 1280x720); YUYV (320x240)"},
		{"unconvertible only", []Format{bayer}, Request{}, Choice{}, "offers also BA81 (not readable by kycterm)"},
		{"nothing", nil, Request{}, Choice{}, "offers nothing"},
		{"explicit unconvertible", []Format{bayer}, Request{FourCC: "BA81"}, Choice{}, "cannot convert"},
		{"no size list", []Format{{FourCC: "YUYV"}}, Request{}, Choice{"YUYV", hd}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Choose(tc.offered, tc.req)
			if tc.wantErr != "" {
				if !errors.Is(err, capture.ErrUnsupportedFormat) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Choose = %v, %v; want error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Choose = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	sizes := []struct {
		in   string
		want Size
		ok   bool
	}{
		{"1280x720", Size{1280, 720}, true},
		{"640X480", Size{640, 480}, true},
		{"", Size{}, true},
		{"640", Size{}, false},
		{"x480", Size{}, false},
		{"-640x480", Size{}, false},
		{"640x480x3", Size{}, false},
		{"0x0", Size{}, false},
		{"99999x1", Size{}, false},
		{" 640x480", Size{}, false},
	}
	for _, tc := range sizes {
		t.Run("size "+tc.in, func(t *testing.T) {
			got, err := ParseSize(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("ParseSize(%q) = %v, %v", tc.in, got, err)
			}
		})
	}
	formats := map[string]string{"mjpeg": "MJPG", "YUYV": "YUYV", "i420": "YU12", "gray": "GREY", "": ""}
	for in, want := range formats {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("h264"); !errors.Is(err, capture.ErrUnsupportedFormat) {
		t.Errorf("ParseFormat(h264) = %v", err)
	}
	if FourCC(Code("MJPG")) != "MJPG" || Code("YUYV") != 0x56595559 || Code("MJPG") != 0x47504a4d {
		t.Error("FourCC/Code mismatch")
	}
	if got := FourCC(Code("XR15") | 1<<31); got != "XR15-BE" {
		t.Errorf("big-endian FourCC = %q", got)
	}
	if got := FourCC(0x00ff3159); got != "Y1?" {
		t.Errorf("non-printable FourCC = %q", got)
	}
}

func FuzzParseSize(f *testing.F) {
	f.Add("1280x720")
	f.Fuzz(func(t *testing.T, s string) {
		sz, err := ParseSize(s)
		if err == nil && s != "" && (sz.Width <= 0 || sz.Height <= 0) {
			t.Fatalf("ParseSize(%q) = %v", s, sz)
		}
	})
}
