package preview

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/bcs/publish/generator/internal/site"
)

// watch reports the project paths (slash-separated, relative to root) that
// change under dirs, folders created later included, until ctx ends. It
// leaves out chmod-only events and editors' scratch files; a file renamed
// over another (an editor's atomic save) is reported under its new name.
// The returned channel is closed once the watching goroutine has stopped
// and closed the watcher, so Run can wait for it.
func watch(ctx context.Context, root string, dirs []string, out chan<- string, errs chan<- error) (<-chan struct{}, error) {
	w, err := fsnotify.NewBufferedWatcher(1024)
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	add := func(dir string, report bool) {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // gone again already
			}
			if d.IsDir() {
				if err := w.Add(p); err != nil {
					errs <- err
				}
			} else if report {
				send(ctx, out, root, p)
			}
			return nil
		})
	}
	for _, d := range dirs {
		dir := filepath.Join(root, d)
		if _, err := os.Stat(dir); err == nil {
			add(dir, false)
		}
	}
	go func() {
		defer close(done)
		defer w.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				select {
				case errs <- err:
				case <-ctx.Done():
					return
				}
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if ev.Op == fsnotify.Chmod || site.Scratch(filepath.Base(ev.Name)) {
					continue
				}
				if ev.Has(fsnotify.Create) {
					if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
						add(ev.Name, true) // files may have landed before the watch did
					}
				}
				send(ctx, out, root, ev.Name)
			}
		}
	}()
	return done, nil
}

func send(ctx context.Context, out chan<- string, root, name string) {
	rel, err := filepath.Rel(root, name)
	if err != nil {
		return
	}
	select {
	case out <- filepath.ToSlash(rel):
	case <-ctx.Done():
	}
}

// debounce gathers paths into batches: a batch is sent once no path has come
// for quiet, or max after its first path, whichever is sooner. Each path is
// in a batch once. The output closes when in does or ctx ends.
func debounce(ctx context.Context, in <-chan string, quiet, max time.Duration) <-chan []string {
	out := make(chan []string)
	go func() {
		defer close(out)
		var (
			batch   []string
			seen    = map[string]bool{}
			timer   = time.NewTimer(time.Hour)
			started time.Time
		)
		timer.Stop()
		defer timer.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case p, ok := <-in:
				if !ok {
					return
				}
				if len(batch) == 0 {
					started = time.Now()
				}
				if !seen[p] {
					seen[p] = true
					batch = append(batch, p)
				}
				timer.Reset(min(quiet, max-time.Since(started)))
			case <-timer.C:
				if len(batch) == 0 {
					continue
				}
				select {
				case out <- batch:
				case <-ctx.Done():
					return
				}
				batch, seen = nil, map[string]bool{}
			}
		}
	}()
	return out
}
