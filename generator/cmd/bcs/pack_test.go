package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bcs pack -icb KEY writes one area's pack and reports what it rests on:
// the confirmed local values with their sources and dates, and what to check.
func TestPackReport(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"pack", "-root", "../../..", "-icb", "s0e4d/oxfordshire", "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	text := stdout.String()
	for _, want := range []string{
		"Oxfordshire (NHS Thames Valley Integrated Care Board) (S0E4D/oxfordshire)",
		"This pack is aligned to the Oxfordshire Formulary (APCO)",
		"confirmed local values:", "Status of methotrexate: Amber Shared Care Protocol",
		"(page a CCG page (before July 2022); checked 2 December 2026)  [source over 3 years old]",
		"to check with the ICB before use:", "Formulary status of lithium (not recorded for this area yet)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
	files, _ := filepath.Glob(filepath.Join(out, "bcs-mo-starter-pack-S0E4D-oxfordshire-*.zip"))
	if len(files) != 1 {
		t.Errorf("bundle not written: %v", files)
	}
	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"pack", "-root", "../../..", "-icb", "QU9", "-out", out}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "NHS Buckinghamshire, Oxfordshire and Berkshire West Integrated Care Board was abolished on 1 April 2026; its practices are now in S0E4D") {
		t.Errorf("bcs pack -icb QU9: exit %d, %s", code, stderr.String())
	}
}

// bcs build's summary reports every area: confirmed values, values to
// check, old sources, and the areas on the national defaults.
func TestBuildReport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"build", "-root", "../../..", "-out", out, "-no-cache"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	text := stdout.String()
	for _, want := range []string{"areas; ", "with confirmed local values", "S0E4D/oxfordshire", "to check with the ICB", "from pages over 3 years old", "national defaults only: "} {
		if !strings.Contains(text, want) {
			t.Errorf("the summary lacks %q:\n%s", want, text)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "_redirects")); err != nil {
		t.Error(err)
	}
}
