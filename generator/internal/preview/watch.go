package preview

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/bcs/publish/generator/internal/site"
)

// watcher reports the project paths (slash-separated, relative to root)
// that change in the folders it follows, folders created in them later
// included, until ctx ends. The folders to follow come from what the build
// read (inputfs.Record.Folders): nothing it did not read can change it. It
// leaves out chmod-only events and editors' scratch files; a file renamed
// over another (an editor's atomic save) is reported under its new name.
type watcher struct {
	ctx  context.Context
	root string
	w    *fsnotify.Watcher
	out  chan<- string
	errs chan<- error

	mu      sync.Mutex
	watched map[string]bool // absolute folders watched
}

// watch starts a watcher following no folder yet. The returned channel is
// closed once the watching goroutine has stopped and closed the watcher,
// so Run can wait for it.
func watch(ctx context.Context, root string, out chan<- string, errs chan<- error) (*watcher, <-chan struct{}, error) {
	w, err := fsnotify.NewBufferedWatcher(1024)
	if err != nil {
		return nil, nil, err
	}
	wr := &watcher{ctx: ctx, root: root, w: w, out: out, errs: errs, watched: map[string]bool{}}
	done := make(chan struct{})
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
						wr.addTree(ev.Name) // files may have landed before the watch did
					}
				}
				wr.send(ev.Name)
			}
		}
	}()
	return wr, done, nil
}

// follow watches each of dirs (project-relative) not yet watched, or for
// one that is missing its nearest folder that is there (to see it come),
// and returns the project-relative folders it began to watch. The project
// folder itself is never watched: its outputs (public/, the cache) would
// make events of every build, so a top-level input folder made while the
// preview runs is seen at the next restart.
func (wr *watcher) follow(dirs []string) []string {
	var added []string
	for _, d := range dirs {
		abs := filepath.Join(wr.root, filepath.FromSlash(d))
		for abs != wr.root {
			if info, err := os.Stat(abs); err == nil && info.IsDir() {
				break
			}
			abs = filepath.Dir(abs)
		}
		if abs != wr.root && wr.add(abs) {
			rel, _ := filepath.Rel(wr.root, abs)
			added = append(added, filepath.ToSlash(rel))
		}
	}
	return added
}

// add watches one folder; it reports whether the folder was not watched.
func (wr *watcher) add(abs string) bool {
	wr.mu.Lock()
	defer wr.mu.Unlock()
	if wr.watched[abs] {
		return false
	}
	if err := wr.w.Add(abs); err != nil {
		select {
		case wr.errs <- err:
		default: // the error channel is full of errors already said
		}
		return false
	}
	wr.watched[abs] = true
	return true
}

// addTree watches a folder just created and everything below it, and
// reports the files already in it.
func (wr *watcher) addTree(dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil // gone again already
		case d.IsDir():
			wr.add(p)
		default:
			wr.send(p)
		}
		return nil
	})
}

func (wr *watcher) send(name string) { send(wr.ctx, wr.out, wr.root, name) }

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
