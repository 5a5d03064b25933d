package config

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// PIN hashes are "$pbkdf2-sha256$i=<iterations>$<salt>$<key>" with salt and
// key in unpadded standard base64: PBKDF2-HMAC-SHA256 from the standard
// library, so the kiosk needs no extra dependency. 600 000 iterations is
// OWASP's 2023 figure for this function.
const (
	pinScheme        = "pbkdf2-sha256"
	pinIterations    = 600_000
	pinMinIterations = 1_000
	pinMaxIterations = 10_000_000
	pinSaltLen       = 16
	pinKeyLen        = 32
)

// Errors of PIN handling.
var (
	// ErrPINFormat reports a PIN that is not 4 to 12 digits.
	ErrPINFormat = errors.New("a PIN is 4 to 12 digits")
	// ErrPINHash reports a stored hash that cannot be read.
	ErrPINHash = errors.New("malformed PIN hash")
)

// HashPIN returns a salted hash of pin to store as kiosk.operator_pin_hash.
func HashPIN(pin string) (string, error) {
	return hashPIN(pin, pinIterations)
}

func hashPIN(pin string, iterations int) (string, error) {
	if !validPIN(pin) {
		return "", ErrPINFormat
	}
	salt := make([]byte, pinSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("pin salt: %w", err)
	}
	key, err := pbkdf2.Key(sha256.New, pin, salt, iterations, pinKeyLen)
	if err != nil {
		return "", fmt.Errorf("hash pin: %w", err)
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$%s$i=%d$%s$%s", pinScheme, iterations, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPIN reports whether pin matches hash. A malformed hash is an error
// (ErrPINHash), never a match.
func CheckPIN(hash, pin string) (bool, error) {
	h, err := parsePINHash(hash)
	if err != nil {
		return false, err
	}
	if !validPIN(pin) {
		return false, nil
	}
	key, err := pbkdf2.Key(sha256.New, pin, h.salt, h.iterations, len(h.key))
	if err != nil {
		return false, fmt.Errorf("hash pin: %w", err)
	}
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

type pinHash struct {
	iterations int
	salt, key  []byte
}

func parsePINHash(s string) (pinHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 5 || parts[0] != "" {
		return pinHash{}, fmt.Errorf("%w: want $%s$i=N$salt$key", ErrPINHash, pinScheme)
	}
	if parts[1] != pinScheme {
		return pinHash{}, fmt.Errorf("%w: scheme %q is not %s", ErrPINHash, parts[1], pinScheme)
	}
	it, ok := strings.CutPrefix(parts[2], "i=")
	n, err := strconv.Atoi(it)
	if !ok || err != nil || n < pinMinIterations || n > pinMaxIterations {
		return pinHash{}, fmt.Errorf("%w: iterations must be i=%d … i=%d", ErrPINHash, pinMinIterations, pinMaxIterations)
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[3])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return pinHash{}, fmt.Errorf("%w: bad salt", ErrPINHash)
	}
	key, err := enc.DecodeString(parts[4])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return pinHash{}, fmt.Errorf("%w: bad key", ErrPINHash)
	}
	return pinHash{iterations: n, salt: salt, key: key}, nil
}

func validPIN(pin string) bool {
	if len(pin) < 4 || len(pin) > 12 {
		return false
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
