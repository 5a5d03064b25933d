package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/document/mrz"
	"github.com/kycterm/kycterm/capture/document/mrz/ocr"
)

// newMRZCmd builds `kycterm mrz`: parse and validate typed MRZ lines, or
// read them from a document image.
func newMRZCmd(app *App) *cobra.Command {
	var o struct {
		image string
		json  bool
	}
	cmd := &cobra.Command{
		Use:   "mrz [LINE1 LINE2 [LINE3] | -]",
		Short: "Parse and validate a machine-readable zone",
		Long: `Parses the machine-readable zone of a passport (TD3, 2×44), an
identity card (TD1, 3×30; TD2, 2×36) or a visa, given as typed lines
(one argument each, or separated by blanks or newlines; '-' reads them
from standard input) or read from a photo or scan of the document with
--image, offline.

Prints the lines as read and as repaired, every field with its check
digit, the characters repaired (a letter read in a digit field or the
reverse, kept only when the check digit then holds), the warnings
(expired, under 18, unknown country code…) and the fields as the
document check takes them (firstName, lastName, dob, document_number,
citizenship…).

Exit codes: 0 every check digit holds, 1 some check digit fails,
2 usage error, 4 no MRZ found or the input is unreadable.`,
		Example: "  kycterm mrz 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'\n" +
			"  kycterm mrz --image passport.jpg --json",
		Args:        cobra.MaximumNArgs(3),
		Annotations: map[string]string{annSkipSetup: "true"},
		RunE: func(cmd *cobra.Command, args []string) error {
			var (
				res *mrz.Result
				err error
			)
			switch {
			case o.image != "" && len(args) > 0:
				return UsageError(errors.New("give either MRZ lines or --image, not both"))
			case o.image != "":
				reading, err := readMRZImage(o.image)
				if err != nil {
					return err
				}
				return printMRZ(app.Stdout, reading.Result, &imageSource{o.image, reading.Confidence, reading.Uncertain}, o.json)
			case len(args) == 1 && args[0] == "-":
				var b []byte
				if b, err = io.ReadAll(io.LimitReader(cmd.InOrStdin(), 4096)); err != nil {
					return InputError(fmt.Errorf("read standard input: %w", err))
				}
				res, err = mrz.ParseText(string(b), mrz.Options{})
			case len(args) == 0:
				return UsageError(errors.New("give the MRZ lines, '-' to read them from standard input, or --image FILE"))
			default:
				res, err = mrz.ParseText(strings.Join(args, "\n"), mrz.Options{})
			}
			if err != nil {
				return InputError(fmt.Errorf("not a machine-readable zone: %w", err))
			}
			return printMRZ(app.Stdout, res, nil, o.json)
		},
	}
	cmd.Flags().StringVar(&o.image, "image", "", "read the MRZ from an image `FILE` (JPEG or PNG)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON")
	return cmd
}

// imageSource tells where an MRZ read from an image came from.
type imageSource struct {
	file       string
	confidence float64
	uncertain  []ocr.Uncertain
}

// readMRZImage reads the MRZ of a JPEG or PNG file; every failure is an
// input error (exit 4).
func readMRZImage(path string) (*ocr.Reading, error) {
	img, _, err := capture.ReadImageFile(path)
	if err != nil {
		return nil, InputError(err)
	}
	rd, err := ocr.NewReader()
	if err != nil {
		return nil, err
	}
	reading, err := rd.Read(img, ocr.Options{AnyOrientation: true})
	if err != nil {
		return nil, InputError(fmt.Errorf("read MRZ from %s: %w", path, err))
	}
	return reading, nil
}

// printMRZ prints the result and picks the exit code: 0 when every check
// digit holds, 1 otherwise. src is nil for typed lines.
func printMRZ(w io.Writer, res *mrz.Result, src *imageSource, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // keep '<' readable
		out := struct {
			*mrz.Result
			CheckRequest api.CheckRequest `json:"check_request"`
			Image        string           `json:"image,omitempty"`
			Confidence   *float64         `json:"confidence,omitempty"`
			Uncertain    []ocr.Uncertain  `json:"uncertain,omitempty"`
		}{Result: res, CheckRequest: res.CheckRequest()}
		if src != nil {
			out.Image, out.Confidence = src.file, &src.confidence
			out.Uncertain = src.uncertain
		}
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("print MRZ: %w", err)
		}
	} else {
		if src != nil {
			fmt.Fprintf(w, "Read from %s, confidence %.2f\n", src.file, src.confidence)
		}
		writeMRZ(w, res)
		if src != nil && len(src.uncertain) > 0 {
			fmt.Fprintln(w, "Uncertain characters (no check digit confirms them: compare with the document)")
			for _, u := range src.uncertain {
				fmt.Fprintf(w, "  line %d column %d: %s in %s\n", u.Line, u.Col,
					string(res.Repaired[u.Line-1][u.Col-1]), strings.ReplaceAll(u.Field, "_", " "))
			}
		}
	}
	if !res.Valid {
		return Failed(nil)
	}
	return nil
}

// writeMRZ writes the result as text: lines, fields with their check
// digits, repairs, warnings and a verdict.
func writeMRZ(w io.Writer, r *mrz.Result) {
	fmt.Fprintf(w, "MRZ %s\n", r.Format)
	for i, ln := range r.Lines {
		label := ""
		if i == 0 {
			label = "as read"
		}
		fmt.Fprintf(w, "  %-12s %s\n", label, ln)
	}
	for i, ln := range r.Repaired {
		label := ""
		if i == 0 {
			label = "as repaired"
		}
		fmt.Fprintf(w, "  %-12s %s\n", label, ln)
	}
	checks := map[string]mrz.Check{}
	for _, c := range r.Checks {
		checks[c.Field] = c
	}
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	date := func(d mrz.Date) string {
		if d.Valid() {
			return d.String()
		}
		return d.Raw + " (invalid)"
	}
	sex := r.Sex
	if sex == "" {
		sex = "unspecified"
	}
	rows := []struct{ name, field, value string }{
		{"document code", mrz.FieldDocumentCode, r.DocumentCode},
		{"issuing state", mrz.FieldIssuingState, r.IssuingState},
		{"surname", mrz.FieldNames, r.PrimaryIdentifier},
		{"given names", "", r.SecondaryIdentifier},
		{"document number", mrz.FieldDocumentNumber, r.DocumentNumber},
		{"nationality", mrz.FieldNationality, r.Nationality},
		{"birth date", mrz.FieldBirthDate, date(r.BirthDate)},
		{"sex", mrz.FieldSex, sex},
		{"expiry date", mrz.FieldExpiryDate, date(r.ExpiryDate)},
		{"optional data", mrz.FieldOptionalData, r.OptionalData},
	}
	if r.Format == mrz.TD1 {
		rows = append(rows, struct{ name, field, value string }{"optional data 2", mrz.FieldOptionalData2, r.OptionalData2})
	}
	if _, ok := checks[mrz.FieldComposite]; ok {
		rows = append(rows, struct{ name, field, value string }{"composite", mrz.FieldComposite, ""})
	}
	fmt.Fprintln(w, "Fields")
	for _, row := range rows {
		v := dash(row.value)
		if row.field == mrz.FieldComposite {
			v = ""
		}
		c, ok := checks[row.field]
		if !ok {
			fmt.Fprintf(w, "  %-16s %s\n", row.name, v)
			continue
		}
		verdict := "check " + c.Got + " ok"
		if !c.OK {
			verdict = fmt.Sprintf("check %s FAILS, expected %s (line %d column %d)", c.Got, c.Expected, c.Line, c.Col)
		}
		fmt.Fprintf(w, "  %-16s %-20s %s\n", row.name, v, verdict)
	}
	fmt.Fprintln(w, "Repairs")
	if len(r.Repairs) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, rp := range r.Repairs {
		fmt.Fprintf(w, "  line %d column %d: %s -> %s in %s (%s)\n", rp.Line, rp.Col, rp.From, rp.To, strings.ReplaceAll(rp.Field, "_", " "), rp.Source)
	}
	fmt.Fprintln(w, "Warnings")
	if len(r.Warnings) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(w, "  %s: %s\n", wn.Code, wn.Message)
	}
	// The fields the operator confirms for the document check, in the
	// request's JSON names.
	fmt.Fprintln(w, "Document check fields")
	fields := r.Fields()
	for _, k := range []string{"firstName", "lastName", "patronymic", "dob", "document_type", "document_number", "citizenship", "country"} {
		if v, ok := fields[k]; ok {
			fmt.Fprintf(w, "  %-16s %s\n", k, v)
		}
	}
	failed := 0
	for _, c := range r.Checks {
		if !c.OK {
			failed++
		}
	}
	if failed == 0 {
		fmt.Fprintf(w, "VALID: all %d check digits hold\n", len(r.Checks))
	} else {
		fmt.Fprintf(w, "INVALID: %d of %d check digits fail\n", failed, len(r.Checks))
	}
}
