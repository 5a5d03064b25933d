package doctor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Probe is what one harmless GET of the base URL found.
type Probe struct {
	// URL is the probed base URL.
	URL string
	// Addrs are the resolved addresses (empty for a literal IP or when DNS
	// was skipped).
	Addrs []string
	// Status is the HTTP status; 0 when no answer came.
	Status int
	// RTT is the time from sending the request to the response headers.
	RTT time.Duration
	// TLSVersion is the negotiated TLS version, 0 for plain http.
	TLSVersion uint16
	// Skew is the server's clock minus ours; valid when HasDate.
	Skew    time.Duration
	HasDate bool
	// Err is what failed; Stage says at which step ("url", "dns",
	// "connect", "tls", "timeout").
	Err   error
	Stage string
}

// ProbeService resolves the base URL's host and GETs the base URL once,
// bounded by env.Timeout, measuring the round trip and the server's clock.
func ProbeService(ctx context.Context, env Env) Probe {
	p := Probe{URL: env.Config.BaseURL}
	timeout := env.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	u, err := url.Parse(env.Config.BaseURL)
	if err != nil || u.Host == "" {
		p.Stage, p.Err = "url", fmt.Errorf("base URL %q is not usable", env.Config.BaseURL)
		return p
	}
	if host := u.Hostname(); net.ParseIP(host) == nil && env.Resolver != nil {
		addrs, err := env.Resolver.LookupHost(ctx, host)
		if err != nil {
			p.Stage, p.Err = "dns", fmt.Errorf("resolve %s: %w", host, err)
			return p
		}
		p.Addrs = addrs
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		p.Stage, p.Err = "url", fmt.Errorf("build request: %w", err)
		return p
	}
	if env.UserAgent != "" {
		req.Header.Set("User-Agent", env.UserAgent)
	}
	client := env.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	start := env.now()
	resp, err := client.Do(req)
	if err != nil {
		p.Stage, p.Err = classify(err), err
		return p
	}
	defer resp.Body.Close()
	end := env.now()
	p.RTT = end.Sub(start)
	p.Status = resp.StatusCode
	if resp.TLS != nil {
		p.TLSVersion = resp.TLS.Version
	}
	// Drain a little so the connection is reused cleanly; the body itself
	// does not matter.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if d := resp.Header.Get("Date"); d != "" {
		if t, err := http.ParseTime(d); err == nil {
			mid := start.Add(p.RTT / 2)
			p.Skew, p.HasDate = t.Sub(mid), true
		}
	}
	return p
}

// classify names the step a transport error happened at.
func classify(err error) string {
	var (
		unknownCA *x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		certErr   *tls.CertificateVerificationError
		recErr    tls.RecordHeaderError
		dnsErr    *net.DNSError
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &certErr), errors.As(err, &recErr):
		return "tls"
	case errors.As(err, &dnsErr):
		return "dns"
	}
	return "connect"
}

// Result words the reachability of the service.
func (p Probe) Result() Result {
	r := Result{Name: "service"}
	if p.Err != nil {
		r.Status = Fail
		switch p.Stage {
		case "url":
			r.Detail, r.Fix = oneLine(p.Err), "set base_url to the AMLKYC service URL"
		case "dns":
			r.Detail, r.Fix = "DNS: "+oneLine(p.Err), "check the host name in base_url and the network's DNS"
		case "tls":
			r.Detail, r.Fix = "TLS: "+oneLine(p.Err), "behind a TLS-inspecting proxy set ca_file to its CA bundle; else check base_url"
		case "timeout":
			r.Detail, r.Fix = p.URL+": no answer in time", "check the network, a firewall, or HTTPS_PROXY"
		default:
			r.Detail, r.Fix = oneLine(p.Err), "check base_url, the network and HTTPS_PROXY/NO_PROXY"
		}
		return r
	}
	r.Detail = fmt.Sprintf("%s answered HTTP %d in %s", p.URL, p.Status, p.RTT.Round(time.Millisecond))
	if p.TLSVersion != 0 {
		r.Detail += " over " + tls.VersionName(p.TLSVersion)
	}
	if len(p.Addrs) > 0 {
		r.Detail += fmt.Sprintf(" (DNS: %d address(es))", len(p.Addrs))
	}
	if p.Status >= 500 {
		r.Status, r.Fix = Warn, "the service reports a server error; try again later or ask AMLKYC support"
	}
	return r
}

// ClockResult words the clock skew against the server's Date header.
func (p Probe) ClockResult() Result {
	r := Result{Name: "clock"}
	switch {
	case p.Err != nil:
		r.Status, r.Detail, r.Fix = Warn, "not checked: the service did not answer", "fix the service check first"
		return r
	case !p.HasDate:
		r.Status, r.Detail, r.Fix = Warn, "not checked: the service sent no Date header", "make sure the system clock is synchronised (timedatectl)"
		return r
	}
	skew := p.Skew.Round(time.Second) // Date has whole seconds
	abs := skew
	if abs < 0 {
		abs = -abs
	}
	dir := "ahead of"
	if skew < 0 {
		dir = "behind"
	}
	r.Detail = fmt.Sprintf("server clock is %s %s ours", abs, dir)
	if abs <= time.Second {
		r.Detail = fmt.Sprintf("within %s of the server's (Date has 1 s resolution)", time.Second)
	}
	switch {
	case abs > SkewFail:
		r.Status = Fail
	case abs > SkewWarn:
		r.Status = Warn
	default:
		return r
	}
	r.Fix = "synchronise the clock (timedatectl set-ntp true): liveness tokens and frame times depend on it"
	return r
}
