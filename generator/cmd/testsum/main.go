// Command testsum reads `go test -json` on standard input and prints what a
// person needs from it: a line per package, the whole output of every test
// that failed, every skipped test with its reason, and a summary line that
// counts passes, failures and skips, so a skip is never easy to miss.
// It exits 1 when anything failed (a test, a package, a build).
//
//	go test -json ./... | go run ./generator/cmd/testsum
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// event is one line of test2json output (go doc test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

type key struct{ pkg, test string }

// summary is what the events add up to.
type summary struct {
	passed, failed, skipped int
	failedPkgs              []string
	skips                   []string // "pkg TestX: reason"
	out                     map[key]*strings.Builder
}

func main() {
	s, err := read(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(2)
	}
	s.report(os.Stdout)
	if s.failed > 0 || len(s.failedPkgs) > 0 {
		os.Exit(1)
	}
}

// read consumes the events, printing a line as each package ends.
func read(r io.Reader, w io.Writer) (*summary, error) {
	s := &summary{out: map[key]*strings.Builder{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			fmt.Fprintf(w, "%s\n", line) // not an event: go's own message, say a build error
			continue
		}
		k := key{e.Package, e.Test}
		switch e.Action {
		case "output", "build-output":
			b := s.out[k]
			if b == nil {
				b = &strings.Builder{}
				s.out[k] = b
			}
			b.WriteString(e.Output)
		case "pass", "fail", "skip":
			if e.Test == "" {
				s.endPackage(w, e)
				continue
			}
			switch e.Action {
			case "pass":
				s.passed++
			case "fail":
				s.failed++
				fmt.Fprintf(w, "--- FAIL: %s %s\n%s", e.Package, e.Test, s.out[k])
			case "skip":
				s.skipped++
				s.skips = append(s.skips, fmt.Sprintf("%s %s: %s", e.Package, e.Test, reason(s.out[k])))
			}
			delete(s.out, k)
		case "build-fail":
			s.failedPkgs = append(s.failedPkgs, e.Package)
		}
	}
	return s, sc.Err()
}

func (s *summary) endPackage(w io.Writer, e event) {
	k := key{e.Package, ""}
	switch e.Action {
	case "pass":
		fmt.Fprintf(w, "ok   %s %.1fs\n", e.Package, e.Elapsed)
	case "skip": // no test files
	case "fail":
		s.failedPkgs = append(s.failedPkgs, e.Package)
		fmt.Fprintf(w, "FAIL %s %.1fs\n", e.Package, e.Elapsed)
		if b := s.out[k]; b != nil { // a panic outside a test, a build error, a timeout
			fmt.Fprint(w, b)
		}
	}
	delete(s.out, k)
}

// reason is the message a skipped test gave: its output but the
// "=== RUN" and "--- SKIP" lines.
func reason(b *strings.Builder) string {
	if b == nil {
		return "no reason given"
	}
	var keep []string
	for _, l := range strings.Split(b.String(), "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		keep = append(keep, t)
	}
	if len(keep) == 0 {
		return "no reason given"
	}
	return strings.Join(keep, " ")
}

func (s *summary) report(w io.Writer) {
	slices.Sort(s.skips)
	for _, sk := range s.skips {
		fmt.Fprintf(w, "SKIP %s\n", sk)
	}
	fmt.Fprintf(w, "go tests: %d passed, %d failed, %d skipped", s.passed, s.failed, s.skipped)
	if len(s.failedPkgs) > 0 {
		fmt.Fprintf(w, "; packages failed: %s", strings.Join(s.failedPkgs, ", "))
	}
	fmt.Fprintln(w)
}
