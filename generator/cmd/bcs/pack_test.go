package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
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

// The clinical review record: bcs build fails, keeping the last good site,
// when a clinical input changed after the record was made; bcs
// clinical-review remakes it and keeps the reviewers' rows; a row with the
// new fingerprint counts as signed.
func TestClinicalReviewRecord(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"content", "templates", "assets", "packs"} {
		if err := os.CopyFS(filepath.Join(root, d), os.DirFS(filepath.Join("../../..", d))); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "public")
	bcs := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	if code, _, stderr := bcs("build", "-root", root, "-out", out, "-no-cache"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	record := filepath.Join(root, "packs", "CLINICAL-REVIEW.md")
	signed, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	signed = append(signed, "| A. Reviewer | Lead pharmacist | 0000000000000000 | 2026-12-02 | Approved |\n"...)
	if err := os.WriteFile(record, signed, 0o644); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(root, "packs", "documents", "repeat-prescribing-sop.md")
	src, _ := os.ReadFile(doc)
	if err := os.WriteFile(doc, append(src, "\nOne more sentence.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := bcs("build", "-root", root, "-out", out, "-no-cache")
	if code != 1 || !strings.Contains(stderr, "packs/CLINICAL-REVIEW.md:5: the clinical review record is out of date with the pack data") {
		t.Fatalf("a changed document with an old record: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Errorf("the failed build removed the last good site: %v", err)
	}
	code, stdout, stderr := bcs("clinical-review", "-root", root)
	if code != 0 || !strings.Contains(stdout, "wrote packs/CLINICAL-REVIEW.md") || !strings.Contains(stdout, "not signed: no reviewer has signed for fingerprint") {
		t.Fatalf("clinical-review: exit %d, %s%s", code, stdout, stderr)
	}
	remade, _ := os.ReadFile(record)
	if !bytes.Contains(remade, []byte("| A. Reviewer | Lead pharmacist | 0000000000000000 |")) {
		t.Error("the reviewers' rows were not kept")
	}
	fp := regexp.MustCompile(`fingerprint: \*\*([0-9a-f]{16})\*\*`).FindSubmatch(remade)
	if fp == nil || bytes.Equal(fp[1], []byte("0000000000000000")) {
		t.Fatalf("no fingerprint in the record")
	}
	if err := os.WriteFile(record, append(remade, "| B. Reviewer | GP partner | "+string(fp[1])+" | 2026-12-02 | Approved |\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, _ := bcs("clinical-review", "-root", root); code != 0 || !strings.Contains(stdout, "is up to date") || !strings.Contains(stdout, "signed: a reviewer has signed for fingerprint "+string(fp[1])) {
		t.Errorf("after signing: exit %d, %s", code, stdout)
	}
	if code, _, stderr := bcs("build", "-root", root, "-out", out, "-no-cache"); code != 0 {
		t.Fatalf("after the record was remade: exit %d: %s", code, stderr)
	}
}
