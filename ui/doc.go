// Package ui is kycterm's kiosk: a full-screen Bubble Tea v2 program an
// operator runs a customer's verification with, screen after screen:
//
//  1. Open     a verification by UUID or invitation link (or QR code, or
//     from the list / a new one with an API key)
//  2. Session  its state and restrictions; document type and country
//  3. Document photographed with the camera or loaded from a file, judged
//     (sharpness, glare, exposure, and its size once the MRZ is located),
//     read by the service's OCR (and a local MRZ reader when installed)
//     and the readings compared; then, still step 3, the check's fields
//     confirmed or corrected in a form (≠ where the readings differ,
//     validated before sending) and the service's outcome shown (match,
//     mismatch with the fields named, recorded); the check is optional
//     and can be skipped
//  4. Liveness each server challenge with a large instruction, the live
//     preview and its frames captured (Enter/Space, or automatically when
//     the face analysis says the challenge is done)
//  5. Submit   upload and verify, with the bytes sent, cancellable
//  6. Result   PASSED / NOT PASSED, every score as a bar and a number; a
//     customer view with the outcome only; Enter wipes for the next customer
//
// The Model is the root: it owns one sub-model per screen, routes messages
// to the current one, and handles what every screen shares (size, colour
// profile, help, quitting, kiosk idle reset). Screens hold no API or camera
// logic: they drive a flow.Session (package ui/flow, shared with the
// headless commands) and capture.Source cameras, and every call runs in a
// tea.Cmd whose result comes back as a …Msg.
//
// Keys are the same on every screen: Enter is the primary action (the
// demo can be walked with Enter alone), Space captures, Esc goes back, ?
// or F1 shows all keys (F1 only while a text field has the focus, where ?
// is typed; the footer then names F1), Ctrl+X starts over, Ctrl+C quits (asking first while a
// customer's data is held, and for the operator PIN in kiosk mode).
//
// The camera preview (Preview) draws each terminal cell as an upper half
// block ▀ with the top pixel as foreground and the bottom one as
// background, in 24-bit colour, the 256-colour cube, or brightness
// characters without colour (NO_COLOR). It is mirrored by default, and the
// screen says so: left and right in the instructions are the customer's
// own.
package ui
