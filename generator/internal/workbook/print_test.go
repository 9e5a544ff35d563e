package workbook

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The layout a sheet's width gives: portrait when it fits, landscape at
// full size when that fits, fitted to one landscape page down to
// MinPrintScale, and at MinPrintScale across pages beyond that.
func TestPrintLayout(t *testing.T) {
	for _, c := range []struct {
		width       float64
		orientation string
		fit         bool
		scale       uint
	}{
		{400, "portrait", false, 100},
		{700, "landscape", false, 100},
		{900, "landscape", true, 0},
		{2000, "landscape", false, MinPrintScale},
	} {
		o, fit, scale := printLayout(c.width)
		if o != c.orientation || fit != c.fit || scale != c.scale {
			t.Errorf("printLayout(%g) = %s %v %d, want %s %v %d", c.width, o, fit, scale, c.orientation, c.fit, c.scale)
		}
	}
}

// pdfPage is one printed page: its size in points and its words with
// their heights.
type pdfPage struct {
	width, height float64
	words         []string
	boxes         [][4]float64 // x0, y0, x1, y1 of each word
}

var (
	pdfPageTag = regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	pdfWordTag = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

// pdfPages reads a PDF's pages with pdftotext -bbox (poppler).
func pdfPages(t *testing.T, pdftotext, file string) []pdfPage {
	t.Helper()
	out, err := exec.Command(pdftotext, "-bbox", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", file, err)
	}
	var pages []pdfPage
	for _, line := range strings.Split(string(out), "\n") {
		if m := pdfPageTag.FindStringSubmatch(line); m != nil {
			w, _ := strconv.ParseFloat(m[1], 64)
			h, _ := strconv.ParseFloat(m[2], 64)
			pages = append(pages, pdfPage{width: w, height: h})
		}
		if m := pdfWordTag.FindStringSubmatch(line); m != nil && len(pages) > 0 {
			var box [4]float64
			for i := range box {
				box[i], _ = strconv.ParseFloat(m[i+1], 64)
			}
			p := &pages[len(pages)-1]
			p.words = append(p.words, m[5])
			p.boxes = append(p.boxes, box)
		}
	}
	return pages
}

// boxPerPoint is the height of poppler's box around a word, per point of
// font size, for Liberation Sans (LibreOffice's Arial): 13.1 pt for 11 pt
// text printed at full size.
const boxPerPoint = 13.1 / 11

// tool finds a program the test needs, or skips (fails with REQUIRE_TOOLS=1).
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is missing, and REQUIRE_TOOLS=1", name)
		}
		t.Skipf("SKIP: %s is not installed (apt-get install %s)", name, pkg)
	}
	return p
}

// Both workbooks as a practice downloads them, printed to PDF by
// LibreOffice: every page is A4, no text is smaller than 9 pt, the Alerts
// sheet's header row is on each of its pages, and no word prints over
// another (the About sheet's colour key did, its wrapped lines in rows
// one line tall).
func TestWorkbooksPrintOnA4(t *testing.T) {
	soffice := tool(t, "soffice", "libreoffice-calc-nogui")
	pdftotext := tool(t, "pdftotext", "poppler-utils")
	d, inds := load(t)
	m := meta(t, d, "QJ2")
	m.Logo, m.LogoAlt = packsLogo(t), "BCS logo"
	dir := t.TempDir()
	dash, track := both(t, inds, m)
	for name, data := range map[string][]byte{"dashboard.xlsx": dash, "tracker.xlsx": track} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "pdf", "--outdir", dir, filepath.Join(dir, "dashboard.xlsx"), filepath.Join(dir, "tracker.xlsx"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	if keep := os.Getenv("PRINT_DIR"); keep != "" { // PRINT_DIR=/tmp/x keeps the PDFs to look at
		for _, name := range []string{"dashboard.pdf", "tracker.pdf", "dashboard.xlsx", "tracker.xlsx"} {
			if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
				_ = os.WriteFile(filepath.Join(keep, name), data, 0o644)
			}
		}
	}
	pdfimages := tool(t, "pdfimages", "poppler-utils")
	for _, name := range []string{"dashboard", "tracker"} {
		// The logo prints on the About sheet's page, the first.
		list, err := exec.Command(pdfimages, "-list", "-f", "1", "-l", "1", filepath.Join(dir, name+".pdf")).Output()
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`(?m)^\s+1\s+\d+\s+image\s+\d+\s+\d+\s+rgb`).Match(list) {
			t.Errorf("%s: the logo is not on the first page:\n%s", name, list)
		}
		pages := pdfPages(t, pdftotext, filepath.Join(dir, name+".pdf"))
		if len(pages) < 3 {
			t.Fatalf("%s printed %d pages", name, len(pages))
		}
		smallest, at := 100.0, 0
		for i, p := range pages {
			a4 := func(w, h float64) bool { return abs64(w-595.3) < 1 && abs64(h-841.9) < 1 }
			if !a4(p.width, p.height) && !a4(p.height, p.width) {
				t.Errorf("%s page %d is %.0f x %.0f pt, not A4", name, i+1, p.width, p.height)
			}
			for j, b := range p.boxes {
				if pt := (b[3] - b[1]) / boxPerPoint; pt < smallest {
					smallest, at = pt, i+1
				}
				// Text over text: a wrapped paragraph in a row too short for
				// it. (The boxes of a paragraph's own lines touch a little:
				// a box is taller than the line spacing.)
				for k := j + 1; k < len(p.boxes); k++ {
					c := p.boxes[k]
					if w, h := min(b[2], c[2])-max(b[0], c[0]), min(b[3], c[3])-max(b[1], c[1]); w > 1 && h > 0.4*min(b[3]-b[1], c[3]-c[1]) {
						t.Errorf("%s page %d: %q and %q print over each other", name, i+1, p.words[j], p.words[k])
					}
				}
			}
		}
		t.Logf("%s: %d pages, smallest text %.1f pt (page %d)", name, len(pages), smallest, at)
		if smallest < 8.95 {
			t.Errorf("%s: text printed at %.1f pt on page %d, below 9 pt", name, smallest, at)
		}
		if name == "tracker" {
			alerts := 0
			for i, p := range pages {
				text := strings.Join(p.words, " ")
				if strings.Contains(text, "Alert summary") || i == 0 {
					continue // the About and Summary sheets
				}
				alerts++
				if !strings.Contains(text, "Status Type") {
					t.Errorf("tracker page %d (Alerts) lacks the header row: %.80s", i+1, text)
				}
			}
			t.Logf("the empty tracker's Alerts sheet prints on %d pages (its %d rows ready)", alerts, AlertRows)
		}
	}
}

func abs64(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
