// Package flow is the verification workflow every kycterm user interface
// drives: the TUI step by step, the headless `verify` command and the demo
// all at once. It decides which API call follows which, how captured frames
// map to the server's liveness challenges and what goes into the verify
// request; it holds no terminal or device code of its own.
//
// A Session holds one customer's data (document image, frames, analysis
// results) in memory only. Wipe zeroes and drops all of it; the UI calls it
// when the operator moves to the next customer.
//
// The order of calls, as the service's contract needs them:
//
//	StartSession       POST /webapi/kyc/user/{uuid}
//	RecognizeDocument  POST …/recognize-document   (optional, operator's check)
//	CheckDocument      POST …/check                (fields the operator confirmed)
//	StartLiveness      POST …/liveness/start       (challenges + signed token)
//	Upload             PUT  /webapi/kyc/user/{uuid} (cadrs = face frames, passport)
//	VerifyLiveness     POST …/liveness/verify
//
// "cadrs" is read as the customer's face photos ("кадры", frames): the
// contract names the call "Upload photos and documents" and requires both
// cadrs and passport, so the upload follows the liveness capture and sends
// one frame per challenge with the document.
package flow
