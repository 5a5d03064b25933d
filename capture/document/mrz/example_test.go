package mrz_test

import (
	"fmt"
	"time"

	"github.com/kycterm/kycterm/capture/document/mrz"
)

func ExampleParse() {
	r, err := mrz.Parse([]string{
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
		"L898902C36UTO74O8122F1204159ZE184226B<<<<<10", // O typed for 0
	}, mrz.Options{Today: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Format, r.PrimaryIdentifier, r.SecondaryIdentifier, r.BirthDate, r.Valid)
	for _, c := range r.Checks {
		fmt.Printf("%s: expected %s got %s ok=%v\n", c.Field, c.Expected, c.Got, c.OK)
	}
	for _, rp := range r.Repairs {
		fmt.Printf("repaired line %d column %d: %s -> %s (%s)\n", rp.Line, rp.Col, rp.From, rp.To, rp.Field)
	}
	for _, w := range r.Warnings {
		fmt.Println("warning:", w.Code)
	}
	req := r.CheckRequest()
	fmt.Println(req.FirstName, req.LastName, req.DOB, req.DocumentNumber, req.Citizenship)
	// Output:
	// TD3 ERIKSSON ANNA MARIA 1974-08-12 true
	// document_number: expected 6 got 6 ok=true
	// birth_date: expected 2 got 2 ok=true
	// expiry_date: expected 9 got 9 ok=true
	// optional_data: expected 1 got 1 ok=true
	// composite: expected 0 got 0 ok=true
	// repaired line 2 column 16: O -> 0 (birth_date)
	// warning: expired
	// ANNA MARIA ERIKSSON 1974-08-12 L898902C3 uto
}
