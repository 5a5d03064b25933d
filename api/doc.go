// Package api is the client of the AMLKYC KYC API (see
// docs/API-CONTRACT.md): typed requests and responses for the eleven
// endpoints of the KYC section, with exact JSON names.
//
// The model: a merchant, holding an API key, creates verifications
// (CreateVerification, ListVerifications); each has a UUID that is the end
// user's capability to it. Everything under /webapi/kyc/user/{uuid} (session,
// uploads, OCR, liveness) needs only the UUID. A liveness check is
// StartLiveness (challenges plus a signed, expiring token) followed by one
// VerifyLiveness carrying the frames captured for each challenge.
//
// Transport rules the Client enforces:
//   - TLS for every non-loopback host unless Config.InsecureHTTP; an extra
//     CA bundle may be added to the system roots; proxies come from the
//     environment (HTTPS_PROXY, NO_PROXY). Redirects are not followed.
//   - Each attempt is bounded by Timeout (JSON calls) or UploadTimeout
//     (calls that move images); the context bounds the whole call and
//     cancelling it aborts at once, during a backoff wait too.
//   - Retries use exponential backoff with full jitter, at most
//     MaxAttempts tries. GET and PUT (idempotent in the contract) are
//     retried on transport failures, 429 (a Retry-After up to
//     MaxRetryAfter is waited out; a longer one ends the call) and
//     502/503/504. POSTs, liveness verify included, are retried only when no
//     connection was ever made for the request, so the server cannot have
//     seen it: the server counts every verify attempt it receives.
//   - A non-2xx answer is an *Error matching sentinels by status
//     (ErrNotFound, ErrUnauthorized, ErrValidation, ErrTokenExpired,
//     ErrTooLarge, ErrRateLimited, ErrServer); a failure below HTTP is a
//     *TransportError matching ErrTransport; a 2xx body that is not the
//     expected JSON (HTML, empty, truncated, over MaxBodyBytes) is
//     ErrBadResponse.
//   - The API key and the challenge token never appear in log lines or
//     error strings (Redact); the verification UUID is shown only as
//     "{uuid}" in both; request and response bodies are never logged.
package api
