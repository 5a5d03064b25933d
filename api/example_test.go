package api_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/kycterm/kycterm/api"
)

// Callers branch on sentinels and on the transport class, never on text.
func ExampleError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = io.WriteString(w, `{"message":"The given data was invalid.","errors":{"challengeToken":["The challenge token has expired."]}}`)
	}))
	defer srv.Close()

	c, err := api.New(api.Config{BaseURL: srv.URL, UserAgent: "kycterm/example"})
	if err != nil {
		panic(err)
	}
	_, err = c.VerifyLiveness(context.Background(), "0f8fad5b-d9cb-469f-a165-70867728950e",
		&api.VerifyRequest{ChallengeToken: "secret-token-value"}, nil)

	var apiErr *api.Error
	fmt.Println(errors.As(err, &apiErr), apiErr.Status)
	fmt.Println(errors.Is(err, api.ErrValidation), errors.Is(err, api.ErrTokenExpired), errors.Is(err, api.ErrTransport))
	fmt.Println(err)
	// Output:
	// true 422
	// true true false
	// POST /webapi/kyc/user/{uuid}/liveness/verify: 422 rejected by the server: The given data was invalid. (challengeToken: The challenge token has expired.)
}

func ExampleRedact() {
	fmt.Println(api.Redact("key sk-123456 rejected", "sk-123456"))
	// Output: key [REDACTED] rejected
}

func ExampleValidUUID() {
	fmt.Println(api.ValidUUID("0f8fad5b-d9cb-469f-a165-70867728950e"), api.ValidUUID("../admin"))
	// Output: true false
}
