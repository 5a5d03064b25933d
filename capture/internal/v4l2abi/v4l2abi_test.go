package v4l2abi

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The expected values are what gcc gives for sizeof, offsetof and the
// VIDIOC_* macros with <linux/videodev2.h> from Linux 6.1 (Debian's
// linux-libc-dev 6.1.192 and its arm64 cross package), compiled for amd64,
// for arm64 (run under qemu-aarch64) and for i386 (gcc -m32). amd64 and
// arm64 agree on every value; i386 differs only in struct v4l2_format and
// the requests that encode its size. Which column applies is decided by the
// pointer size, the one thing the layouts depend on.
const ptrSize = unsafe.Sizeof(uintptr(0))

// abi picks the 64-bit (amd64, arm64) or the 32-bit (i386) kernel value.
func abi(lp64, ilp32 uintptr) uintptr {
	if ptrSize == 8 {
		return lp64
	}
	return ilp32
}

func TestLayout(t *testing.T) {
	var (
		pix PixFormat
		f   Format
		q   QueryCtrl
		c   Control
	)
	tests := []struct {
		name      string
		got, want uintptr
	}{
		{"sizeof(struct v4l2_pix_format)", unsafe.Sizeof(pix), 48},
		{"offsetof(v4l2_pix_format, width)", unsafe.Offsetof(pix.Width), 0},
		{"offsetof(v4l2_pix_format, height)", unsafe.Offsetof(pix.Height), 4},
		{"offsetof(v4l2_pix_format, pixelformat)", unsafe.Offsetof(pix.PixelFormat), 8},
		{"offsetof(v4l2_pix_format, field)", unsafe.Offsetof(pix.Field), 12},
		{"offsetof(v4l2_pix_format, bytesperline)", unsafe.Offsetof(pix.BytesPerLine), 16},
		{"offsetof(v4l2_pix_format, sizeimage)", unsafe.Offsetof(pix.SizeImage), 20},
		{"offsetof(v4l2_pix_format, colorspace)", unsafe.Offsetof(pix.ColorSpace), 24},
		{"offsetof(v4l2_pix_format, priv)", unsafe.Offsetof(pix.Priv), 28},
		{"offsetof(v4l2_pix_format, flags)", unsafe.Offsetof(pix.Flags), 32},
		{"offsetof(v4l2_pix_format, ycbcr_enc)", unsafe.Offsetof(pix.YCbCrEnc), 36},
		{"offsetof(v4l2_pix_format, quantization)", unsafe.Offsetof(pix.Quantization), 40},
		{"offsetof(v4l2_pix_format, xfer_func)", unsafe.Offsetof(pix.XferFunc), 44},

		{"sizeof(struct v4l2_format)", unsafe.Sizeof(f), abi(208, 204)},
		{"alignof(struct v4l2_format)", unsafe.Alignof(f), abi(8, 4)},
		{"offsetof(v4l2_format, type)", unsafe.Offsetof(f.Type), 0},
		{"offsetof(v4l2_format, fmt.pix)", unsafe.Offsetof(f.Pix), abi(8, 4)},

		{"sizeof(struct v4l2_queryctrl)", unsafe.Sizeof(q), 68},
		{"offsetof(v4l2_queryctrl, id)", unsafe.Offsetof(q.ID), 0},
		{"offsetof(v4l2_queryctrl, type)", unsafe.Offsetof(q.Type), 4},
		{"offsetof(v4l2_queryctrl, name)", unsafe.Offsetof(q.Name), 8},
		{"offsetof(v4l2_queryctrl, minimum)", unsafe.Offsetof(q.Minimum), 40},
		{"offsetof(v4l2_queryctrl, maximum)", unsafe.Offsetof(q.Maximum), 44},
		{"offsetof(v4l2_queryctrl, step)", unsafe.Offsetof(q.Step), 48},
		{"offsetof(v4l2_queryctrl, default_value)", unsafe.Offsetof(q.DefaultValue), 52},
		{"offsetof(v4l2_queryctrl, flags)", unsafe.Offsetof(q.Flags), 56},

		{"sizeof(struct v4l2_control)", unsafe.Sizeof(c), 8},
		{"offsetof(v4l2_control, id)", unsafe.Offsetof(c.ID), 0},
		{"offsetof(v4l2_control, value)", unsafe.Offsetof(c.Value), 4},

		{"VIDIOC_G_FMT", vidiocGFmt, abi(0xc0d05604, 0xc0cc5604)},
		{"VIDIOC_S_FMT", vidiocSFmt, abi(0xc0d05605, 0xc0cc5605)},
		{"VIDIOC_QUERYCTRL", vidiocQueryCtrl, 0xc0445624},
		{"VIDIOC_S_CTRL", vidiocSCtrl, 0xc008561c},

		{"V4L2_BUF_TYPE_VIDEO_CAPTURE", BufTypeVideoCapture, 1},
		{"V4L2_BUF_TYPE_VIDEO_OUTPUT", BufTypeVideoOutput, 2},
		{"V4L2_FIELD_NONE", FieldNone, 1},
		{"V4L2_COLORSPACE_JPEG", ColorspaceJPEG, 7},
		{"V4L2_PIX_FMT_MJPEG", PixFmtMJPEG, 0x47504a4d},
		{"V4L2_CTRL_FLAG_NEXT_CTRL", CtrlFlagNextCtrl, 0x80000000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("%s = %d (%#x), the kernel's is %d (%#x)", tc.name, tc.got, tc.got, tc.want, tc.want)
			}
		})
	}
}

// TestPixFormatInUnion checks the union's padding: the Pix member is
// followed by exactly the rest of the 200-byte union.
func TestPixFormatInUnion(t *testing.T) {
	var f Format
	if end := unsafe.Sizeof(f) - unsafe.Offsetof(f.Pix); end != formatUnionSize {
		t.Errorf("the union runs %d bytes from Pix, want %d", end, formatUnionSize)
	}
}

// TestRequestsFail runs each request on file descriptors that are not V4L2
// devices: the kernel's error must come back, wrapped, not be lost. (The
// requests themselves succeed only on real drivers: see capture/vmtest/run.)
func TestRequestsFail(t *testing.T) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	calls := []struct {
		name    string
		context string
		call    func(fd int) error
	}{
		{"GetFormat", "get format", func(fd int) error { return GetFormat(fd, &Format{Type: BufTypeVideoCapture}) }},
		{"SetFormat", "set format", func(fd int) error { return SetFormat(fd, &Format{Type: BufTypeVideoOutput}) }},
		{"QueryControl", "query control 0x9f0901", func(fd int) error {
			return QueryControl(fd, &QueryCtrl{ID: 0x9f0901 | CtrlFlagNextCtrl})
		}},
		{"SetControl", "set control 0x9f0901", func(fd int) error { return SetControl(fd, &Control{ID: 0x9f0901, Value: 1}) }},
	}
	fds := []struct {
		name string
		fd   int
		want error
	}{
		{"not a device", int(null.Fd()), unix.ENOTTY},
		{"bad descriptor", -1, unix.EBADF},
	}
	for _, c := range calls {
		for _, d := range fds {
			t.Run(c.name+"/"+d.name, func(t *testing.T) {
				err := c.call(d.fd)
				if !errors.Is(err, d.want) {
					t.Fatalf("error %v, want %v", err, d.want)
				}
				if !strings.HasPrefix(err.Error(), c.context+": ") {
					t.Errorf("error %q does not start with %q", err, c.context)
				}
			})
		}
	}
}
