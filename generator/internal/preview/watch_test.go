package preview

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/bcs/publish/generator/internal/site"
)

// TestWatcherFollows: the watcher watches the folders it is told to follow
// (for a missing one, the nearest folder there, never the project itself)
// and reports changes there and not elsewhere.
func TestWatcherFollows(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"content/guide", "packs", "notes"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	out, errs := make(chan string, 16), make(chan error, 16)
	w, done, err := watch(ctx, root, out, errs)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); <-done }()
	added := w.follow([]string{"content", "content/guide", "packs/formulary/missing", "assets", "."})
	if !slices.Equal(added, []string{"content", "content/guide", "packs"}) {
		t.Errorf("followed %v, want content, content/guide and packs (for the missing formulary folder)", added)
	}
	if again := w.follow([]string{"content"}); len(again) != 0 {
		t.Errorf("followed content twice: %v", again)
	}
	write(t, filepath.Join(root, "notes", "meeting.txt"), "not an input") // not followed: no event
	write(t, filepath.Join(root, "content", "guide", "a.md"), "a")
	if got := <-out; got != "content/guide/a.md" {
		t.Errorf("first change reported %q, want content/guide/a.md (notes/ is not followed)", got)
	}
	if err := os.MkdirAll(filepath.Join(root, "packs", "formulary"), 0o755); err != nil {
		t.Fatal(err)
	}
	got := <-out
	for got == "content/guide/a.md" { // its create and its write
		got = <-out
	}
	if got != "packs/formulary" {
		t.Errorf("a folder made in a followed one: %q", got)
	}
}

// TestFollowFindsAChangeBeforeTheWatch: a file edited after the build read
// it and before its folder was watched is found by replaying the record,
// and built again.
func TestFollowFindsAChangeBeforeTheWatch(t *testing.T) {
	root := project(t)
	s := &Server{builder: site.NewBuilder(os.DirFS(root), site.Options{Now: time.Now(), Preview: true})}
	if _, err := s.builder.Update(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w, done, err := watch(ctx, root, make(chan string, 64), make(chan error, 16))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); <-done }()
	s.watcher = w
	write(t, filepath.Join(root, "content/guide/two.md"), "---\ntitle: Two\ndescription: d\n---\nEdited in between.\n")
	stale := s.follow()
	if !slices.Contains(stale, "content/guide/two.md") {
		t.Errorf("stale = %v, want the edited page", stale)
	}
	if again := s.follow(); len(again) != 0 {
		t.Errorf("a second follow found %v: every folder is watched already", again)
	}
}
