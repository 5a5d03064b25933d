package flow

import (
	"context"

	"github.com/kycterm/kycterm/api"
)

// Service is the part of the AMLKYC API the flow calls; *api.Client
// implements it, and tests may pass the client pointed at the sandbox.
type Service interface {
	CreateVerification(ctx context.Context, req api.CreateVerificationRequest) (*api.CreateVerificationResponse, error)
	ListVerifications(ctx context.Context) (*api.ListVerificationsResponse, error)
	StartSession(ctx context.Context, uuid string) (*api.Params, error)
	Params(ctx context.Context, uuid string) (*api.Params, error)
	Upload(ctx context.Context, uuid string, req api.UploadRequest, progress api.ProgressFunc) error
	CheckDocument(ctx context.Context, uuid string, req api.CheckRequest) (*api.Params, error)
	RecognizeDocument(ctx context.Context, uuid string, req api.RecognizeRequest) (*api.RecognizeResponse, error)
	StartLiveness(ctx context.Context, uuid string) (*api.StartLivenessResponse, error)
	VerifyLiveness(ctx context.Context, uuid string, req *api.VerifyRequest, progress api.ProgressFunc) (*api.VerifyResponse, error)
}
