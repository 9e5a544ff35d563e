// Package preview is `bcs serve`: it builds the site with drafts and future
// pages, serves it from memory on a loopback address, watches content/,
// templates/, assets/ and packs/, rebuilds only what an edit affects, and
// tells the open pages over Server-Sent Events: changed pages reload,
// stylesheets are swapped in place, and build errors show as an overlay
// until they are fixed, while the last good site is still served.
package preview

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/inputfs"
	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/receiver"
	"github.com/bcs/publish/generator/internal/site"
	"github.com/bcs/publish/generator/internal/stamp"
)

// Config sets up a preview server.
type Config struct {
	Root   string        // the project
	Addr   string        // listen address; loopback by default
	DB     string        // SQLite file for form posts (default: in a temporary folder)
	Out    io.Writer     // terminal output: build results and errors
	Quiet  time.Duration // debounce: a batch of edits ends after this long without one (default 10ms)
	Now    func() time.Time
	Listen func(network, addr string) (net.Listener, error) // for tests; default net.Listen
	Ready  func(url string)                                 // called once the first build is served
	// CMS, when set, is a folder holding the CMS's scripts (make cms
	// fetches them to generator/cms/decap): served at /admin/decap/, and
	// /admin/ loads the CMS from there instead of its CDN.
	CMS string
}

// cmsPath is where the preview serves Config.CMS.
const cmsPath = "/" + site.AdminDir + "/decap/"

// Server is a running preview.
type Server struct {
	cfg     Config
	builder *site.Builder
	hub     *hub
	site    atomic.Pointer[snapshot]
	forms   atomic.Pointer[receiver.Handler]
	store   *receiver.Store
	origin  string
	hosts   hostGuard // the Host headers answered (DNS rebinding)
	log     *slog.Logger

	mu      sync.Mutex // one build at a time
	version int
	watcher *watcher // follows the folders the builder read (nil in tests that only Rebuild)
	cms     *os.Root // Config.CMS, or nil
}

// snapshot is one successful build, served as it is.
type snapshot struct {
	files   map[string][]byte
	version int
}

//go:embed live.js live.css
var liveFiles embed.FS

// Run builds the site, serves it and rebuilds on every edit until ctx ends.
// A first build that fails is reported and served as the error overlay, so
// the preview can start on a broken project and recover when it is fixed.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:1313"
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Quiet == 0 {
		cfg.Quiet = 10 * time.Millisecond
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Listen == nil {
		cfg.Listen = net.Listen
	}
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return err
	}
	cfg.Root = root
	ln, err := cfg.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	dbPath := cfg.DB
	if dbPath == "" {
		tmp, err := os.MkdirTemp("", "bcs-serve-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dbPath = filepath.Join(tmp, "submissions.db")
	}
	store, err := receiver.Open(dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	opt := site.Options{Drafts: true, Future: true, Now: cfg.Now(), Preview: true, Cache: startCache(root)}
	var cms *os.Root
	if cfg.CMS != "" {
		if cms, err = os.OpenRoot(cfg.CMS); err != nil {
			return fmt.Errorf("the CMS's scripts (make cms fetches them): %w", err)
		}
		defer cms.Close()
		if _, err := cms.Stat("decap-cms.js"); err != nil {
			return fmt.Errorf("the CMS's scripts (make cms fetches them): %w", err)
		}
		opt.CMSScript = cmsPath + "decap-cms.js"
	}
	s := &Server{
		cfg:     cfg,
		cms:     cms,
		builder: site.NewBuilder(os.DirFS(root), opt),
		hub:     newHub(),
		store:   store,
		origin:  "http://" + ln.Addr().String(),
		hosts:   newHostGuard(cfg.Addr),
		log:     slog.New(slog.NewTextHandler(cfg.Out, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	paths := make(chan string, 256)
	watchErrs := make(chan error, 16)
	w, watching, err := watch(ctx, root, paths, watchErrs)
	if err != nil {
		return err
	}
	s.watcher = w
	s.Rebuild(ctx, nil)

	srv := newHTTPServer(s)
	srv.RegisterOnShutdown(s.hub.close)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(cfg.Out, "bcs serve: previewing %s at %s/ (drafts and future pages included; Ctrl-C stops)\n", root, s.origin)
	if cfg.Ready != nil {
		cfg.Ready(s.origin)
	}

	var wg sync.WaitGroup
	wg.Go(func() {
		for batch := range debounce(ctx, paths, cfg.Quiet, 10*cfg.Quiet) {
			s.Rebuild(ctx, batch)
		}
	})
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case err := <-watchErrs:
				fmt.Fprintf(cfg.Out, "bcs serve: watching: %v\n", err)
			}
		}
	})

	select {
	case err = <-served:
	case <-ctx.Done():
		shutdown, stop := context.WithTimeout(context.Background(), 5*time.Second)
		err = srv.Shutdown(shutdown)
		stop()
		<-served
	}
	cancel()
	wg.Wait()
	<-watching // Run leaves no goroutine of its own behind
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	fmt.Fprintln(cfg.Out, "bcs serve: stopped")
	return err
}

// Rebuild updates the site after edits to the given project paths and tells
// the open pages. It returns the build's outcome.
func (s *Server) Rebuild(ctx context.Context, paths []string) (*site.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	res, err := s.builder.Update(ctx, paths)
	if stale := s.follow(); len(stale) > 0 {
		// A folder read before it was watched changed in between: build
		// it again, and tell the pages of both updates.
		var again *site.Result
		if again, err = s.builder.Update(ctx, stale); err == nil && res != nil {
			again.Changed = slices.Compact(slices.Sorted(slices.Values(append(res.Changed, again.Changed...))))
			again.Stats.Rendered += res.Stats.Rendered
		}
		res = again
	}
	// A build that changed nothing (a file saved as it was, a second event
	// for one save) keeps the version: a page compares its version when its
	// event stream connects, and must not reload for nothing (a page that
	// had just reloaded for the first build did, in the middle of use).
	if err != nil || len(res.Changed) > 0 {
		s.version++
	}
	if err != nil {
		msgs := errorLines(err)
		fmt.Fprintf(s.cfg.Out, "bcs serve: build failed (still serving the last good build):\n  %s\n", strings.Join(msgs, "\n  "))
		ev := newEvent(evError, map[string]any{"version": s.version, "errors": msgs})
		s.hub.publish(ev, ev)
		return nil, err
	}
	s.site.Store(&snapshot{files: res.Files, version: s.version})
	if slices.ContainsFunc(res.Changed, func(f string) bool { return strings.HasPrefix(f, site.FormsDir+"/") }) {
		s.mountForms(res.Files)
	}
	pages, css, all := changedPages(res.Changed)
	fmt.Fprintf(s.cfg.Out, "bcs serve: rebuilt in %s: %d pages rendered, %d files changed\n",
		time.Since(start).Round(100*time.Microsecond), res.Stats.Rendered, len(res.Changed))
	s.hub.publish(newEvent(evChange, map[string]any{"version": s.version, "pages": pages, "css": css, "all": all}),
		newEvent(evReady, map[string]any{"version": s.version}))
	return res, nil
}

// follow makes the watcher follow the folders the builder has read, and
// returns those of the newly followed folders whose reads no longer give
// what they gave the build (an edit in the moment between the read and the
// watch).
func (s *Server) follow() []string {
	if s.watcher == nil {
		return nil // Rebuild called without Run (tests)
	}
	rec := s.builder.Read()
	var stale []string
	for _, d := range s.watcher.follow(rec.Folders()) {
		if in := rec.In(d); !inputfs.New(os.DirFS(s.watcher.root)).Replay(in) {
			for _, x := range in {
				stale = append(stale, x.Name)
			}
		}
	}
	return stale
}

// changedPages turns changed output paths into the URL paths of the pages
// to reload, and says whether a stylesheet changed. Past a few hundred pages
// it says "all" instead of listing them.
func changedPages(changed []string) (pages []string, css, all bool) {
	pages = []string{}
	for _, f := range changed {
		switch {
		case strings.HasSuffix(f, ".css"):
			css = true
		case strings.HasSuffix(f, ".html"):
			u := "/" + strings.TrimSuffix(f, "index.html")
			pages = append(pages, u)
		case strings.HasSuffix(f, ".js") || strings.HasSuffix(f, ".svg"):
			all = true // a script or an image any page may use
		}
	}
	if len(pages) > 500 {
		return []string{}, css, true
	}
	return pages, css, all
}

// errorLines are a build error's messages, one per problem.
func errorLines(err error) []string {
	var list diag.List
	var one *diag.Error
	switch {
	case errors.As(err, &list):
		var out []string
		for _, e := range list.Sorted() {
			out = append(out, e.Error())
		}
		return out
	case errors.As(err, &one):
		return []string{one.Error()}
	}
	return []string{err.Error()}
}

// mountForms serves the site's forms with the same receiver production uses,
// storing posts in the preview's own database.
func (s *Server) mountForms(files map[string][]byte) {
	exports := map[string][]byte{}
	for name, b := range files {
		if strings.HasPrefix(name, site.FormsDir+"/") && strings.HasSuffix(name, ".json") {
			exports[name] = b
		}
	}
	if len(exports) == 0 {
		s.forms.Store(nil)
		return
	}
	h, err := receiver.New(receiver.Config{Exports: exports, Store: s.store, AllowOrigins: []string{s.origin, strings.Replace(s.origin, "127.0.0.1", "localhost", 1)}, Log: s.log})
	if err != nil {
		fmt.Fprintf(s.cfg.Out, "bcs serve: forms: %v\n", err)
		return
	}
	s.forms.Store(h)
}

// ServeHTTP serves the preview: the live-reload stream and script, the form
// endpoints, and the site from memory. A request for a Host that is not
// this machine's is refused before any of them (see hostGuard).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.hosts.allows(r.Host) {
		s.hosts.refuse(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	switch r.URL.Path {
	case "/_bcs/events":
		s.hub.ServeHTTP(w, r)
		return
	case "/_bcs/live.js", "/_bcs/live.css":
		b, _ := liveFiles.ReadFile(path.Base(r.URL.Path))
		w.Header().Set("Content-Type", contentType(r.URL.Path))
		w.Write(b)
		return
	}
	if h := s.forms.Load(); h != nil && slices.Contains(h.Paths(), r.URL.Path) {
		h.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if s.cms != nil && strings.HasPrefix(r.URL.Path, cmsPath) {
		s.serveCMS(w, r)
		return
	}
	snap := s.site.Load()
	if snap == nil {
		s.serveHTML(w, http.StatusServiceUnavailable, []byte(waitingPage), 0)
		return
	}
	// Paths are only ever keys of the in-memory site: nothing outside it can
	// be reached, whatever the request says.
	clean := path.Clean("/" + r.URL.Path)
	name := strings.TrimPrefix(clean, "/")
	if strings.HasSuffix(r.URL.Path, "/") || name == "" {
		name = path.Join(name, "index.html")
	}
	if b, ok := snap.files[name]; ok {
		// The CMS's page has no live reload: a reload would lose the
		// editor's unsaved work, and the CMS shows its own preview.
		if strings.HasSuffix(name, ".html") && !strings.HasPrefix(name, site.AdminDir+"/") {
			s.serveHTML(w, http.StatusOK, b, snap.version)
			return
		}
		w.Header().Set("Content-Type", contentType(name))
		w.Write(b)
		return
	}
	if _, ok := snap.files[path.Join(name, "index.html")]; ok {
		http.Redirect(w, r, clean+"/", http.StatusMovedPermanently)
		return
	}
	notFound := snap.files["404.html"]
	if notFound == nil {
		notFound = []byte("<!DOCTYPE html><title>Not found</title><p>Not found.</p>")
	}
	s.serveHTML(w, http.StatusNotFound, notFound, snap.version)
}

// serveCMS serves a file of the CMS's scripts folder: only a regular file
// directly in it (os.Root keeps every name inside the folder).
func (s *Server) serveCMS(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, cmsPath)
	if name == "" || strings.ContainsAny(name, "/\\") || strings.HasPrefix(name, ".") {
		http.NotFound(w, r)
		return
	}
	// Lstat first: opening a named pipe would block.
	if fi, err := s.cms.Lstat(name); err != nil || !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	f, err := s.cms.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", contentType(name))
	io.Copy(w, f)
}

// serveHTML sends a page with the live-reload script and overlay styles; the
// script learns which build the page came from.
func (s *Server) serveHTML(w http.ResponseWriter, status int, b []byte, version int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	inject := fmt.Sprintf(`<link rel="stylesheet" href="/_bcs/live.css"><script src="/_bcs/live.js" data-version="%d" defer></script>`, version)
	if i := bytes.LastIndex(b, []byte("</head>")); i >= 0 {
		w.Write(b[:i])
		io.WriteString(w, inject)
		w.Write(b[i:])
		return
	}
	w.Write(b)
	io.WriteString(w, inject)
}

const waitingPage = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Preview: no build yet</title></head><body><main><h1>No successful build yet</h1><p>Fix the errors shown, and this page will load the site.</p></main></body></html>`

var types = map[string]string{
	".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
	".svg": "image/svg+xml", ".xml": "application/xml", ".json": "application/json", ".txt": "text/plain; charset=utf-8",
	".zip": "application/zip", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".pdf": "application/pdf",
}

func contentType(name string) string {
	ext := path.Ext(name)
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	if name == "_headers" {
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// startCache is the Markdown cache the last bcs build left in the project,
// so that the first build of a large site is quick; the preview adds to it
// in memory and never writes it (bcs build keeps it to what a build uses).
func startCache(root string) *markdown.Cache {
	dir := filepath.Join(root, site.CacheDir)
	prog, err := stamp.Program(dir)
	if err != nil {
		return markdown.NewCache()
	}
	c, err := markdown.LoadCacheFor(filepath.Join(dir, site.MarkdownCacheFile), prog)
	if err != nil {
		return markdown.NewCache()
	}
	return c
}
