package site

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"maps"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestIncrementalEqualsWholeBuild is the property behind the preview: after
// any sequence of edits, the site an incremental update makes is byte for
// byte the site a whole build of the same files makes, and an update fails
// exactly when a whole build fails, with the same message.
//
// It runs seeded random sequences of edits over the real project (content
// bodies and front matter, page templates, partials, settings, CSS, pack
// data and documents, renames, deletions, new folders, section pictures) through the update
// path the preview uses (its options, Builder.Update with the changed
// paths). A step that breaks the site is undone by the next one, so the
// sequence keeps exercising good states too. make test runs a fixed budget
// (BCS_PROPERTY_STEPS, default 8, seed 1); make fuzz runs a longer one with
// a seed from the clock, printed so a failure can be replayed:
//
//	BCS_PROPERTY_SEED=N BCS_PROPERTY_STEPS=M go test -run TestIncrementalEqualsWholeBuild ./generator/internal/site/
func TestIncrementalEqualsWholeBuild(t *testing.T) {
	steps := envInt(t, "BCS_PROPERTY_STEPS", 8)
	seed := uint64(envInt(t, "BCS_PROPERTY_SEED", 1))
	t.Logf("seed %d, %d steps (BCS_PROPERTY_SEED=%d BCS_PROPERTY_STEPS=%d replays this run)", seed, steps, seed, steps)
	rng := rand.New(rand.NewPCG(seed, 0x6263732d70726f70))
	fsys := repoFS(t)
	opt := Options{Drafts: true, Future: true, Now: now, Preview: true}
	b := NewBuilder(fsys, opt)
	if _, err := b.Update(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	var undo map[string]string // the edit that restores the last good files
	for i := range steps {
		var e edit
		if undo != nil {
			e = edit{kind: "undo the failed step", files: undo}
		} else {
			e = randomEdit(rng, fsys, i)
		}
		before := map[string]string{}
		for name := range e.files {
			if f, ok := fsys[name]; ok {
				before[name] = string(f.Data)
			} else {
				before[name] = ""
			}
		}
		paths := apply(fsys, e.files)
		res, err := b.Update(context.Background(), paths)
		whole, werr := Build(context.Background(), fsys, opt)
		label := fmt.Sprintf("step %d (%s: %s)", i, e.kind, strings.Join(slices.Sorted(maps.Keys(e.files)), ", "))
		t.Logf("%s: %v", label, errOrOK(err))
		switch {
		case (err == nil) != (werr == nil):
			t.Fatalf("%s: the update says %v, a whole build %v", label, err, werr)
		case err != nil:
			if err.Error() != werr.Error() {
				t.Fatalf("%s: the update fails with\n%v\na whole build with\n%v", label, err, werr)
			}
			if undo != nil {
				t.Fatalf("%s: restoring the last good files still fails: %v", label, err)
			}
			undo = before
			continue
		}
		undo = nil
		if !maps.EqualFunc(res.Files, whole.Files, bytes.Equal) {
			for _, name := range slices.Sorted(maps.Keys(whole.Files)) {
				if got, ok := res.Files[name]; !ok {
					t.Errorf("%s: %s is missing from the update", label, name)
				} else if !bytes.Equal(got, whole.Files[name]) {
					t.Errorf("%s: %s differs from a whole build", label, name)
				}
			}
			for name := range res.Files {
				if _, ok := whole.Files[name]; !ok {
					t.Errorf("%s: %s is left over", label, name)
				}
			}
			t.FailNow()
		}
	}
}

func errOrOK(err error) string {
	if err == nil {
		return "built"
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	return "fails: " + first
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	if v == "clock" {
		return int(time.Now().UnixNano() % 1_000_000)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a whole number (or clock)", name, v)
	}
	return n
}

// edit is one step: files to write ("" removes one).
type edit struct {
	kind  string
	files map[string]string
}

func apply(fsys fstest.MapFS, files map[string]string) []string {
	var paths []string
	for name, data := range files {
		if data == "" {
			delete(fsys, name)
		} else {
			fsys[name] = &fstest.MapFile{Data: []byte(data)}
		}
		paths = append(paths, name)
	}
	slices.Sort(paths)
	return paths
}

var (
	titleLine   = regexp.MustCompile(`(?m)^title: ([^"'\n#][^\n#]*)$`)
	weightLine  = regexp.MustCompile(`(?m)^weight: \d+$`)
	meaningLine = regexp.MustCompile(`(?m)^(\s+meaning: ")([^"\n]*)("\s*)$`)
	mainDefine  = regexp.MustCompile(`\{\{define "main"\}\}`)
)

// randomEdit picks a kind of edit and a file it applies to.
func randomEdit(rng *rand.Rand, fsys fstest.MapFS, i int) edit {
	files := func(prefix, suffix string) []string {
		var out []string
		for name := range fsys {
			if strings.HasPrefix(name, prefix) && strings.HasSuffix(name, suffix) {
				out = append(out, name)
			}
		}
		slices.Sort(out)
		return out
	}
	pick := func(names []string) string { return names[rng.IntN(len(names))] }
	text := func(name string) string { return string(fsys[name].Data) }
	mark := fmt.Sprintf("edit %d", i)
	pages := files(ContentDir+"/", ".md")
	for {
		switch rng.IntN(13) {
		case 0: // a body
			p := pick(pages)
			return edit{"body", map[string]string{p: text(p) + "\n\nA sentence added by " + mark + ".\n"}}
		case 1: // a title, which other pages show
			p := pick(pages)
			if s := text(p); titleLine.MatchString(s) {
				return edit{"title", map[string]string{p: titleLine.ReplaceAllString(s, "title: ${1} ("+mark+")")}}
			}
		case 2: // a weight, which orders menus and siblings
			p := pick(pages)
			if s := text(p); weightLine.MatchString(s) {
				return edit{"weight", map[string]string{p: weightLine.ReplaceAllString(s, fmt.Sprintf("weight: %d", rng.IntN(100)))}}
			}
		case 3: // a page template
			p := pick(files(TemplatesDir+"/", ".html"))
			if s := text(p); mainDefine.MatchString(s) {
				return edit{"template", map[string]string{p: mainDefine.ReplaceAllString(s, `{{define "main"}}<p hidden>`+mark+`</p>`)}}
			}
		case 4: // a partial
			p := pick(files(TemplatesDir+"/partials/", ".html"))
			return edit{"partial", map[string]string{p: text(p) + "{{/* " + mark + " */}}<!-- -->"}}
		case 5: // the site settings
			p := ContentDir + "/site.yaml"
			if s := text(p); titleLine.MatchString(s) {
				return edit{"settings", map[string]string{p: titleLine.ReplaceAllString(s, "title: ${1} "+strconv.Itoa(i))}}
			}
		case 6: // the stylesheet
			p := pick(files(AssetsDir+"/css/", ".css"))
			return edit{"css", map[string]string{p: text(p) + "\n.edit-" + strconv.Itoa(i) + " { color: #005eb8; }\n"}}
		case 7: // an area's formulary data
			p := pick(files("packs/formulary/", ".yaml"))
			s := text(p)
			if locs := meaningLine.FindAllStringSubmatchIndex(s, -1); len(locs) > 0 {
				l := locs[rng.IntN(len(locs))]
				return edit{"pack data", map[string]string{p: s[:l[5]] + " (" + mark + ")" + s[l[5]:]}}
			}
		case 8: // a pack document
			p := pick(files("packs/documents/", ".md"))
			return edit{"pack document", map[string]string{p: text(p) + "\n\nA sentence added by " + mark + ".\n"}}
		case 9: // a rename (links to the old address break: the next step undoes it)
			p := pick(pages)
			if strings.HasSuffix(p, "/_index.md") || !strings.Contains(strings.TrimPrefix(p, ContentDir+"/"), "/") {
				continue // a folder's own page, or a top-level one the menus name
			}
			return edit{"rename", map[string]string{p: "", strings.TrimSuffix(p, ".md") + "-moved.md": text(p)}}
		case 10: // a new folder with a pillar and a page; or a deletion
			if rng.IntN(2) == 0 {
				dir := fmt.Sprintf("%s/new-%d/", ContentDir, i)
				return edit{"new folder", map[string]string{
					dir + "_index.md": fmt.Sprintf("---\ntitle: New section %d\ndescription: A section added by %s.\n---\nIntroduction.\n", i, mark),
					dir + "first.md":  fmt.Sprintf("---\ntitle: First page %d\ndescription: A page added by %s.\nweight: 1\n---\nSee [the section](/new-%d/).\n", i, mark, i),
				}}
			}
			return edit{"deletion", map[string]string{pick(pages): ""}}
		case 12: // a section's picture: one added, changed, or its file removed (the next step undoes that)
			const img = ContentDir + "/images/property.jpg"
			colour := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
			if _, ok := fsys[img]; !ok {
				p := pick(pages)
				s := text(p)
				at := sectionHeading.FindStringIndex(s)
				if at == nil {
					continue
				}
				shown := s[:at[1]] + "    image:\n      src: /images/property.jpg\n      alt: A picture added by " + mark + "\n" + s[at[1]:]
				return edit{"picture added", map[string]string{img: jpegOf(600+rng.IntN(1200), 300, colour), p: shown}}
			}
			if rng.IntN(3) == 0 {
				return edit{"picture removed", map[string]string{img: ""}}
			}
			return edit{"picture changed", map[string]string{img: jpegOf(600+rng.IntN(1200), 300, colour)}}
		case 11: // the ICB map: an ICB's name, which forms, pack pages and abolished ICBs' pages show
			s := text(ICBsFile)
			if locs := icbName.FindAllStringSubmatchIndex(s, -1); len(locs) > 0 {
				l := locs[rng.IntN(len(locs))]
				return edit{"ICB name", map[string]string{ICBsFile: s[:l[3]] + " Edit " + strconv.Itoa(i) + s[l[3]:]}}
			}
		}
	}
}

// sectionHeading is a section's heading line in front matter.
var sectionHeading = regexp.MustCompile(`(?m)^    heading: [^\n]*\n`)

// jpegOf is a w x h JPEG in one colour.
func jpegOf(w, h int, c color.RGBA) string {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(m.Pix); i += 4 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = c.R, c.G, c.B, 255
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, nil); err != nil {
		panic(err)
	}
	return buf.String()
}

// icbName is an ICB's name in packs/icbs.yaml; group 1 the part between
// "NHS" and "Integrated Care Board", which the ICB data requires.
var icbName = regexp.MustCompile(`(?m)^    name: "NHS ([^"\n]*) Integrated Care Board"`)
