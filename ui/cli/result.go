package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kycterm/kycterm/api"
)

// printResult prints a verify response as a table or as JSON and chooses
// the exit code: 0 passed, 1 not passed.
func printResult(app *App, res *api.VerifyResponse, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(app.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return fmt.Errorf("print result: %w", err)
		}
	} else {
		writeResult(app.Stdout, res)
	}
	if !res.Passed {
		return Failed(nil)
	}
	return nil
}

// writeResult writes the outcome, the combined score and every key of the
// breakdown: numbers with a bar, anything else as the JSON it came as.
func writeResult(w io.Writer, res *api.VerifyResponse) {
	outcome := "NOT PASSED"
	if res.Passed {
		outcome = "PASSED"
	}
	fmt.Fprintf(w, "%s  score %.3f\n", outcome, res.Score)
	scores := res.Details.Scores()
	width := 0
	numeric := map[string]bool{}
	for _, s := range scores {
		width = max(width, len(s.Name))
		numeric[s.Name] = true
	}
	var other []string
	for k := range res.Details.All {
		if !numeric[k] {
			other = append(other, k)
			width = max(width, len(k))
		}
	}
	sort.Strings(other)
	for _, s := range scores {
		if isScore(s.Name) {
			fmt.Fprintf(w, "  %-*s  %6.3f  %s\n", width, s.Name, s.Value, bar(s.Value, 20))
		} else {
			fmt.Fprintf(w, "  %-*s  %6.4g\n", width, s.Name, s.Value)
		}
	}
	for _, k := range other {
		fmt.Fprintf(w, "  %-*s  %s\n", width, k, strings.TrimSpace(string(res.Details.All[k])))
	}
}

// isScore tells a 0–1 score (drawn with a bar) from a count or other
// number, by the service's naming: "livenessScore", "faceMatchScore"…
func isScore(name string) bool {
	return strings.HasSuffix(name, "Score") || strings.HasSuffix(name, "_score") || name == "score"
}

// bar draws v in [0,1] as a bar of n cells; values outside are clamped.
func bar(v float64, n int) string {
	v = min(max(v, 0), 1)
	full := int(v*float64(n) + 0.5)
	return strings.Repeat("█", full) + strings.Repeat("░", n-full)
}
