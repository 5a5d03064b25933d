package sandbox_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/api/sandbox"
)

// The sandbox in-process on a free loopback port, driven by the real client.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // stops the server

	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	base, err := srv.Start(ctx, "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	client, err := api.New(api.Config{BaseURL: base, APIKey: srv.APIKey()})
	if err != nil {
		fmt.Println(err)
		return
	}
	created, err := client.CreateVerification(ctx, api.CreateVerificationRequest{Email: "demo@example.com"})
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := client.StartLiveness(ctx, created.Item.UUID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("status", created.Item.Status, "challenges", len(st.Challenges), "timeout", st.TimeoutSeconds)

	_, err = client.VerifyLiveness(ctx, created.Item.UUID, &api.VerifyRequest{ChallengeToken: st.ChallengeToken}, nil)
	var apiErr *api.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Status, apiErr.Fields["frames"][0])
	}
	// Output:
	// status 0 challenges 3 timeout 120
	// 422 The frames field is required.
}
