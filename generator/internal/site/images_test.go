package site

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bcs/publish/generator/internal/images"
)

// withSections is changes plus what makes the base project's cluster pages
// show their sections through the site's real sections partial.
func withSections(t *testing.T, changes map[string]string) map[string]string {
	t.Helper()
	partial, err := os.ReadFile(filepath.Join("..", "..", "..", "templates", "partials", "sections.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{
		"templates/partials/sections.html": string(partial),
		"templates/cluster.html":           `{{define "main"}}<h1>{{.Title}}</h1>{{.Content}}{{template "partials/sections.html" .}}{{end}}`,
	}
	for k, v := range changes {
		m[k] = v
	}
	return m
}

// imageProject is the base project whose cluster pages show their sections
// through the site's real sections partial, with a page showing two
// images, a picture file no section names, and the given changes.
func imageProject(t *testing.T, changes map[string]string) fstest.MapFS {
	t.Helper()
	var drawing bytes.Buffer
	if err := png.Encode(&drawing, image.NewGray(image.Rect(0, 0, 600, 200))); err != nil {
		t.Fatal(err)
	}
	base := withSections(t, map[string]string{
		"content/images/clinic.jpg":  jpegOf(2000, 1000, color.RGBA{200, 30, 30, 255}),
		"content/images/pattern.png": drawing.String(),
		"content/images/unused.jpg":  jpegOf(50, 50, color.RGBA{0, 0, 0, 255}),
		"content/guide/two.md":       imagePage("/images/clinic.jpg"),
	})
	for k, v := range changes {
		base[k] = v
	}
	return project(t, base)
}

func imagePage(src string) string {
	return "---\ntitle: Two\ndescription: d\nweight: 2\nsections:\n" +
		"  - heading: Our pharmacists\n    body: In the practice every week.\n    image:\n      src: " + src + "\n      alt: A pharmacist and a GP reading a medication review together\n" +
		"  - heading: How we work\n    body: Plainly.\n    image:\n      src: /images/pattern.png\n      decorative: true\n---\n## Details\n"
}

var imgTag = regexp.MustCompile(`<img [^>]*>`)

func TestSectionImages(t *testing.T) {
	s := build(t, imageProject(t, nil))
	html := string(s.Files["guide/two/index.html"])
	tags := imgTag.FindAllString(html, -1)
	if len(tags) != 2 {
		t.Fatalf("%d img elements, want 2:\n%s", len(tags), html)
	}
	first, second := tags[0], tags[1]
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`src="/img/clinic-1600\.[0-9a-f]{10}\.jpg"`),
		regexp.MustCompile(`srcset="/img/clinic-480\.[0-9a-f]{10}\.jpg 480w, /img/clinic-800\.[0-9a-f]{10}\.jpg 800w, /img/clinic-1200\.[0-9a-f]{10}\.jpg 1200w, /img/clinic-1600\.[0-9a-f]{10}\.jpg 1600w"`),
		regexp.MustCompile(`sizes="\(min-width: 48rem\) 44rem, calc\(100vw - 2rem\)"`),
		regexp.MustCompile(`width="1600" height="800"`),
		regexp.MustCompile(`alt="A pharmacist and a GP reading a medication review together"`),
		regexp.MustCompile(`decoding="async"`),
	} {
		if !want.MatchString(first) {
			t.Errorf("first image %s does not match %s", first, want)
		}
	}
	if strings.Contains(first, "loading=") {
		t.Errorf("the page's first image loads lazily: %s", first)
	}
	if !strings.Contains(second, `alt=""`) || !strings.Contains(second, `loading="lazy"`) || !strings.Contains(second, `width="600" height="200"`) {
		t.Errorf("the decorative image below it: %s", second)
	}
	// Every variant named is a file of that size; the sources named by a
	// section are not published as they are, the unused picture is.
	for _, m := range regexp.MustCompile(`/(img/[^ ",]+) (\d+)w`).FindAllStringSubmatch(html, -1) {
		data, ok := s.Files[m[1]]
		if !ok {
			t.Errorf("%s is not published", m[1])
			continue
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || strconv.Itoa(cfg.Width) != m[2] {
			t.Errorf("%s: %v, width %d, want %s", m[1], err, cfg.Width, m[2])
		}
	}
	for _, f := range []string{"images/clinic.jpg", "images/pattern.png"} {
		if _, ok := s.Files[f]; ok {
			t.Errorf("%s, a section's image, is published as it is", f)
		}
	}
	if _, ok := s.Files["images/unused.jpg"]; !ok {
		t.Error("images/unused.jpg, which no section names, is not published")
	}
	contains(t, s, "_headers", "/img/*\n  Cache-Control: public, max-age=31536000, immutable")
}

func TestSectionImageErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes map[string]string
		want    string
	}{
		{"a file that is not there", map[string]string{"content/guide/two.md": imagePage("/images/clinc.jpg")},
			"content/guide/two.md:9:12: image /images/clinc.jpg: there is no file content/images/clinc.jpg; did you mean /images/clinic.jpg?"},
		{"a file that is not a picture", map[string]string{"content/images/clinic.jpg": "Hello, I am text."},
			"content/guide/two.md:9:12: image /images/clinic.jpg (content/images/clinic.jpg): the file is not a JPEG or PNG image"},
		{"a content file in the variants' folder", map[string]string{"content/img/x.png": "x"},
			"content/img/x.png: img/ is the build's own folder"},
	} {
		_, err := Build(context.Background(), imageProject(t, tc.changes), Options{Now: now})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v\nwant %s", tc.name, err, tc.want)
		}
	}
}

// TestImageEditsRebuildThePagesShowingThem: a picture changed renders the
// pages that show it and nothing else, and replaces its variants.
func TestImageEditsRebuildThePagesShowingThem(t *testing.T) {
	fsys := imageProject(t, nil)
	variants := func(s string) []string {
		return regexp.MustCompile(`img/clinic-\d+\.[0-9a-f]{10}\.jpg`).FindAllString(s, -1)
	}
	s := build(t, fsys)
	old := variants(string(s.Files["guide/two/index.html"]))
	if len(old) != 5 { // src and the four of srcset
		t.Fatalf("variants %v", old)
	}
	newPhoto := jpegOf(2000, 1000, color.RGBA{30, 30, 200, 255})
	fsys2 := imageProject(t, map[string]string{"content/images/clinic.jpg": newPhoto})
	s2 := build(t, fsys2)
	fresh := variants(string(s2.Files["guide/two/index.html"]))
	changed := append([]string{"guide/two/index.html"}, old[1:]...)
	changed = append(changed, fresh[1:]...)
	slices.Sort(changed)
	runSteps(t, fsys, Options{Now: now}, []step{
		{name: "a new photo under the same name", edit: map[string]string{"content/images/clinic.jpg": newPhoto},
			rendered: []string{"guide/two.md"}, changed: changed},
		{name: "saved again as it was", edit: map[string]string{"content/images/clinic.jpg": newPhoto},
			rendered: []string{}, changed: []string{}},
		{name: "a picture no section shows", edit: map[string]string{"content/images/unused.jpg": jpegOf(60, 60, color.RGBA{255, 255, 255, 255})},
			rendered: []string{}, changed: []string{"images/unused.jpg"}},
		{name: "the page names the unused picture instead: the clinic photo is published as it is",
			edit: map[string]string{"content/guide/two.md": imagePage("/images/unused.jpg")}, rendered: []string{"guide/two.md"}},
		{name: "a missing picture fails and keeps the site", edit: map[string]string{"content/guide/two.md": imagePage("/images/gone.jpg")},
			err: "there is no file content/images/gone.jpg"},
		{name: "the picture removed while the page names it", edit: map[string]string{"content/guide/two.md": imagePage("/images/clinic.jpg"), "content/images/clinic.jpg": ""},
			err: "there is no file content/images/clinic.jpg"},
	})
}

// TestImageCache: a build with Options.Images keeps each made image there,
// and the next build takes it from there rather than making it again.
func TestImageCache(t *testing.T) {
	fsys := imageProject(t, nil)
	cache := &images.Cache{Dir: t.TempDir()}
	if _, err := Build(context.Background(), fsys, Options{Now: now, Images: cache}); err != nil {
		t.Fatal(err)
	}
	key := images.Key("images/clinic.jpg", fsys["content/images/clinic.jpg"].Data)
	if _, ok := cache.Get(key); !ok {
		t.Fatalf("the build kept nothing under %s", key)
	}
	// Put another picture under that key: the next build shows it, so it
	// read the cache instead of making the variants again.
	other, err := images.Make("images/clinic.jpg", []byte(jpegOf(900, 300, color.RGBA{255, 255, 255, 255})))
	if err != nil {
		t.Fatal(err)
	}
	if err := cache.Put(key, other); err != nil {
		t.Fatal(err)
	}
	s, err := Build(context.Background(), fsys, Options{Now: now, Images: cache})
	if err != nil {
		t.Fatal(err)
	}
	contains(t, s, "guide/two/index.html", `src="/`+other.Variants[len(other.Variants)-1].Path+`"`, `width="900" height="300"`)
}
