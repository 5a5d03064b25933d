// Package v4l2abi is the small part of the Linux V4L2 kernel interface
// (<linux/videodev2.h>) that kycterm calls itself rather than through
// github.com/blackjack/webcam: reading the format a driver applied
// (capture/v4l2) and setting a v4l2loopback device's output format and
// pressing a driver's controls (capture/vmtest).
//
// The structs mirror the kernel's layout byte for byte, so a pointer to one
// can be handed to ioctl(2). Their sizes and field offsets are tested
// against the values the kernel headers give (gcc's sizeof and offsetof on
// amd64, arm64 and i386); struct v4l2_format is the one whose layout
// depends on the architecture (208 bytes where pointers take 8 bytes, 204
// where they take 4), and the request numbers, which encode the argument's
// size, follow from the Go sizes.
package v4l2abi

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// PixFormat is struct v4l2_pix_format (48 bytes): a single-planar image
// format, the Pix member of Format's union.
type PixFormat struct {
	Width, Height uint32
	// PixelFormat is the four-character code, first character in the
	// lowest byte (PixFmtMJPEG, …).
	PixelFormat uint32
	// Field is the interlacing (FieldNone for progressive frames).
	Field uint32
	// BytesPerLine is the stride of the first plane; SizeImage the bytes a
	// frame's buffer holds at most.
	BytesPerLine, SizeImage uint32
	// ColorSpace is an enum v4l2_colorspace value (ColorspaceJPEG, …).
	ColorSpace                                    uint32
	Priv, Flags, YCbCrEnc, Quantization, XferFunc uint32
}

// Format is struct v4l2_format: a buffer type and, in a 200-byte union,
// the format for that type, of which only the single-planar image format
// (Pix) is used here. The union holds pointers (struct v4l2_window), so it
// starts at the pointer alignment: 8 bytes in, 208 bytes in all, on 64-bit
// Linux; 4 bytes in, 204 in all, on 32-bit.
type Format struct {
	// Type is the buffer type (BufTypeVideoCapture, BufTypeVideoOutput).
	Type uint32
	_    [0]uintptr // the union's alignment: a pointer's
	// Pix is the union's member for the video capture and output types.
	Pix PixFormat
	_   [formatUnionSize - unsafe.Sizeof(PixFormat{})]byte
}

// QueryCtrl is struct v4l2_queryctrl (68 bytes): a control's description,
// for VIDIOC_QUERYCTRL.
type QueryCtrl struct {
	// ID is the control's ID; to enumerate, set CtrlFlagNextCtrl in the
	// request and the driver answers with the next control's description.
	ID   uint32
	Type uint32
	// Name is the control's name, NUL-padded.
	Name                                 [32]byte
	Minimum, Maximum, Step, DefaultValue int32
	Flags                                uint32
	_                                    [2]uint32
}

// Control is struct v4l2_control (8 bytes): a control's ID and value, for
// VIDIOC_S_CTRL.
type Control struct {
	ID    uint32
	Value int32
}

// Values of the kernel's enums and flags used with the structs above.
const (
	// BufTypeVideoCapture is V4L2_BUF_TYPE_VIDEO_CAPTURE: frames from the device.
	BufTypeVideoCapture = 1
	// BufTypeVideoOutput is V4L2_BUF_TYPE_VIDEO_OUTPUT: frames to the device
	// (a v4l2loopback device's writer side).
	BufTypeVideoOutput = 2
	// FieldNone is V4L2_FIELD_NONE: progressive frames.
	FieldNone = 1
	// ColorspaceJPEG is V4L2_COLORSPACE_JPEG, the colour space of JPEG frames.
	ColorspaceJPEG = 7
	// PixFmtMJPEG is V4L2_PIX_FMT_MJPEG, the four-character code "MJPG".
	PixFmtMJPEG = 0x47504a4d
	// CtrlFlagNextCtrl is V4L2_CTRL_FLAG_NEXT_CTRL: with QueryControl,
	// describe the control after the given ID.
	CtrlFlagNextCtrl = 0x80000000
)

// formatUnionSize is the size of struct v4l2_format's fmt union
// (its raw_data[200] member).
const formatUnionSize = 200

// Request numbers, _IOWR('V', nr, type) in the kernel's generic encoding
// (asm-generic/ioctl.h: amd64, arm64, arm, 386, riscv64, …): direction in
// bits 30–31 (read|write = 3), argument size in bits 16–29, type 'V' in
// bits 8–15, number in bits 0–7.
const (
	iocReadWrite = 3
	vidiocGFmt   = iocReadWrite<<30 | unsafe.Sizeof(Format{})<<16 | 'V'<<8 | 4
	vidiocSFmt   = iocReadWrite<<30 | unsafe.Sizeof(Format{})<<16 | 'V'<<8 | 5
	vidiocSCtrl  = iocReadWrite<<30 | unsafe.Sizeof(Control{})<<16 | 'V'<<8 | 28
	// VIDIOC_QUERYCTRL is number 36.
	vidiocQueryCtrl = iocReadWrite<<30 | unsafe.Sizeof(QueryCtrl{})<<16 | 'V'<<8 | 36
)

// GetFormat reads the format in force for f.Type on the open device fd
// (VIDIOC_G_FMT); the driver fills in f.Pix.
func GetFormat(fd int, f *Format) error {
	if err := ioctl(fd, vidiocGFmt, unsafe.Pointer(f)); err != nil {
		return fmt.Errorf("get format: %w", err)
	}
	return nil
}

// SetFormat asks the device fd for the format f (VIDIOC_S_FMT); the driver
// writes back into f what it applied, which may differ from the request.
func SetFormat(fd int, f *Format) error {
	if err := ioctl(fd, vidiocSFmt, unsafe.Pointer(f)); err != nil {
		return fmt.Errorf("set format: %w", err)
	}
	return nil
}

// QueryControl describes the control q.ID of the device fd
// (VIDIOC_QUERYCTRL). It fails with unix.EINVAL (wrapped) when there is no
// such control, which also ends an enumeration with CtrlFlagNextCtrl.
func QueryControl(fd int, q *QueryCtrl) error {
	if err := ioctl(fd, vidiocQueryCtrl, unsafe.Pointer(q)); err != nil {
		return fmt.Errorf("query control %#x: %w", q.ID&^CtrlFlagNextCtrl, err)
	}
	return nil
}

// SetControl sets the control c.ID of the device fd to c.Value
// (VIDIOC_S_CTRL); for a button control, value 1 presses it.
func SetControl(fd int, c *Control) error {
	if err := ioctl(fd, vidiocSCtrl, unsafe.Pointer(c)); err != nil {
		return fmt.Errorf("set control %#x: %w", c.ID, err)
	}
	return nil
}

// ioctl calls ioctl(2); the conversion of arg to uintptr stays inside the
// Syscall expression, which keeps what arg points to alive for the call.
func ioctl(fd int, req uintptr, arg unsafe.Pointer) error {
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg)); e != 0 {
		return e
	}
	return nil
}
