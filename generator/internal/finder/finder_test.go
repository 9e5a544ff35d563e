package finder

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/bcs/publish/generator/internal/icb"
)

// The day the finder tests look at the map: after the mergers of 1 April 2026.
var today = time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)

func realData(t *testing.T) (*Data, *icb.Set) {
	t.Helper()
	root := filepath.Join("..", "..", "..")
	src, err := os.ReadFile(filepath.Join(root, icb.File))
	if err != nil {
		t.Fatal(err)
	}
	icbs, err := icb.Parse(icb.File, src)
	if err != nil {
		t.Fatal(err)
	}
	if src, err = os.ReadFile(filepath.Join(root, File)); err != nil {
		t.Fatal(err)
	}
	d, err := Parse(File, src, icbs)
	if err != nil {
		t.Fatal(err)
	}
	return d, icbs
}

// words is the normalising of assets/js/site.js's finder: accents dropped,
// lower case, "&" read as "and", anything but letters and digits a space.
func words(s string) []string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '&':
			b.WriteString(" and ")
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
		case strings.ContainsRune("àáâãäå", r):
			b.WriteRune('a')
		case strings.ContainsRune("èéêë", r):
			b.WriteRune('e')
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

// matches is site.js's rule: every word of the query begins a word of one
// of the ICB's names.
func matches(names []string, query string) bool {
	q := words(query)
	return len(q) > 0 && slices.ContainsFunc(names, func(name string) bool {
		w := words(name)
		for _, qw := range q {
			if !slices.ContainsFunc(w, func(n string) bool { return strings.HasPrefix(n, qw) }) {
				return false
			}
		}
		return true
	})
}

// The table the Chromium test (e2e/practice.test.mjs) types into the page:
// each kind of name a practice manager may know finds their ICB.
func TestEachKindOfNameFindsItsICB(t *testing.T) {
	d, icbs := realData(t)
	w := d.Words(icbs, today)
	var cases []struct{ Kind, Query, ICB string }
	src, err := os.ReadFile(filepath.Join("testdata", "finds.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(src, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if ic, ok := icbs.Lookup(c.ICB); !ok || !ic.InForce(today) {
			t.Errorf("%s %q: %s is not an ICB in force on %s", c.Kind, c.Query, c.ICB, today.Format(time.DateOnly))
			continue
		}
		var found []string
		for code, names := range w {
			if matches(names, c.Query) {
				found = append(found, code)
			}
		}
		slices.Sort(found)
		if !slices.Contains(found, c.ICB) {
			t.Errorf("%s %q finds %v, not %s", c.Kind, c.Query, found, c.ICB)
		}
		if len(found) > 4 {
			t.Errorf("%s %q finds %d ICBs (%v): too many to be of use", c.Kind, c.Query, len(found), found)
		}
	}
}

// Every ICB in force is found by its own name and code, every local
// authority reaches an ICB in force, and only ICBs in force have words.
func TestEveryNameReachesAnICBInForce(t *testing.T) {
	d, icbs := realData(t)
	w := d.Words(icbs, today)
	for _, c := range icbs.All {
		switch names, in := w[c.Code], c.InForce(today); {
		case in && (!matches(names, c.Name) || !matches(names, c.Code)):
			t.Errorf("%s is not found by its own name and code", c.Code)
		case !in && names != nil:
			t.Errorf("%s is not in force but has finder words", c.Code)
		}
	}
	for _, la := range d.LAs {
		found := 0
		for _, names := range w {
			if matches(names, la.Name) {
				found++
			}
		}
		if found == 0 {
			t.Errorf("local authority %s (%s) finds no ICB in force", la.Code, la.Name)
		}
	}
	if len(d.LAs) < 290 {
		t.Errorf("only %d local authorities: England has 296 (April 2023)", len(d.LAs))
	}
}

// A research note is never a search word.
func TestResearchIsNotAWord(t *testing.T) {
	d, icbs := realData(t)
	all := strings.Join(slices.Concat(slices.Collect(func(yield func([]string) bool) {
		for _, v := range d.Words(icbs, today) {
			if !yield(v) {
				return
			}
		}
	})...), "|")
	for _, la := range d.LAs {
		if la.Research != "" && strings.Contains(all, la.Research) {
			t.Fatalf("%s's research note is a finder word", la.Code)
		}
	}
}

func TestWordsWithoutData(t *testing.T) {
	_, icbs := realData(t)
	var d *Data
	w := d.Words(icbs, today)
	if !matches(w["QUY"], "Bristol") || matches(w["QUY"], "Weston") {
		t.Errorf("without data, QUY's words are its map's own: %v", w["QUY"])
	}
}

const mapSrc = `icbs:
  - code: QAA
    name: "NHS Alpha Integrated Care Board"
    region: North West
    nhser: Y62
    valid_from: 2022-07-01
    source: https://example.org/icbs
    checked: 2026-12-01
    places:
      - {code: "01A", name: "East Alpha", source: https://example.org/places}
`

func TestParseErrors(t *testing.T) {
	icbs, err := icb.Parse("icbs.yaml", []byte(mapSrc))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, src, want string }{
		{"unknown ICB", "icb_names:\n  - {icb: QZZ, name: AB, source: https://x.org/, checked: 2026-12-01}\n", "places.yaml:2:11: name \"AB\" of ICB QZZ: QZZ is not an ICB in packs/icbs.yaml"},
		{"twice", "icb_names:\n  - {icb: QAA, name: AB, source: https://x.org/, checked: 2026-12-01}\n  - {icb: QAA, name: AB, source: https://x.org/, checked: 2026-12-01}\n", "places.yaml:3:22: name \"AB\" of ICB QAA is listed twice"},
		{"no source", "icb_names:\n  - {icb: QAA, name: AB, source: x.org, checked: 2026-12-01}\n", "source must be the address where it was read"},
		{"bad day", "icb_names:\n  - {icb: QAA, name: AB, source: https://x.org/, checked: 1 Dec}\n", "checked \"1 Dec\" must be the day the source was read, YYYY-MM-DD"},
		{"bad LA code", "local_authorities:\n  - {code: W06000001, name: X, places: [\"01A\"], source: https://x.org/, checked: 2026-12-01}\n", "places.yaml:2:12: local authority W06000001 (X): the code must be an ONS local authority code in England"},
		{"unknown place", "local_authorities:\n  - {code: E06000001, name: X, places: [\"99Z\"], source: https://x.org/, checked: 2026-12-01}\n", "place 99Z is not a place of any ICB in packs/icbs.yaml"},
		{"no places", "local_authorities:\n  - {code: E06000001, name: X, source: https://x.org/, checked: 2026-12-01}\n", "no places: list the sub-ICB locations"},
		{"other name outside", "other_names:\n  - {name: Town, la: E06000009, source: https://x.org/, checked: 2026-12-01}\n", "name \"Town\": la \"E06000009\" is not one of the local_authorities"},
		{"unknown key", "icb_names:\n  - {icb: QAA, name: AB, url: https://x.org/, checked: 2026-12-01}\n", "url"},
	} {
		_, err := Parse("places.yaml", []byte(c.src), icbs)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
