// Package statichost serves a built site (public/) the way the static hosts
// it is published to (Netlify, Cloudflare Pages) do, so that trying the site
// locally (`bcs receive -site public`) shows what production will send:
// the headers of public/_headers, the redirects of public/_redirects, the
// site's 404 page, and nothing a static host would not serve.
//
// Unlike http.FileServer it never lists a directory, never follows a
// symbolic link (one anywhere on the path is a 404, so a link inside
// public/ cannot reach out of it), never serves dotfiles or dot-directories
// (.git, .well-known included: the build writes none), and does not serve
// _headers and _redirects themselves.
package statichost

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// The host's configuration files at the top of the site.
const (
	HeadersFile   = "_headers"
	RedirectsFile = "_redirects"
	notFoundPage  = "404.html"
)

// host is the handler New returns.
type host struct {
	dir string

	mu   sync.Mutex // guards conf
	conf *conf
}

// conf is what the host read from one tree: its rules, and which directory
// they came from.
type conf struct {
	tree      os.FileInfo // the site directory they were read from
	headers   []headerRule
	redirects []redirectRule
}

// New returns a handler serving the built site in dir. It reads
// dir/_headers and dir/_redirects (each may be missing) and returns an error
// naming the file and line of anything in them it cannot follow.
//
// Files are looked up on every request, so a rebuild is served at once. The
// build replaces dir as a whole (a rename); when the handler sees that dir
// is a new directory it reads the two files again, and until they are fixed
// answers 500 naming the problem if the new ones are invalid.
//
// Only GET and HEAD are answered (405 otherwise); the caller mounts anything
// else (a form endpoint) in front of it.
func New(dir string) (http.Handler, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	h := &host{dir: abs}
	c, err := h.load()
	if err != nil {
		return nil, err
	}
	h.conf = c
	return h, nil
}

// load reads the rules of the tree now at h.dir.
func (h *host) load() (*conf, error) {
	tree, err := os.Stat(h.dir)
	if err != nil {
		return nil, fmt.Errorf("statichost: %w", err)
	}
	if !tree.IsDir() {
		return nil, fmt.Errorf("statichost: %s is not a directory", h.dir)
	}
	root, err := os.OpenRoot(h.dir)
	if err != nil {
		return nil, fmt.Errorf("statichost: %w", err)
	}
	defer root.Close()
	c := &conf{tree: tree}
	if b, err := readConfig(root, h.dir, HeadersFile); err != nil {
		return nil, err
	} else if c.headers, err = parseHeaders(filepath.Join(h.dir, HeadersFile), b); err != nil {
		return nil, err
	}
	if b, err := readConfig(root, h.dir, RedirectsFile); err != nil {
		return nil, err
	} else if c.redirects, err = parseRedirects(filepath.Join(h.dir, RedirectsFile), b); err != nil {
		return nil, err
	}
	return c, nil
}

// readConfig reads a configuration file at the top of the site: nothing
// when it is missing, an error when it is not a regular file.
func readConfig(root *os.Root, dir, name string) ([]byte, error) {
	f, _, err := openRegular(root, name)
	switch {
	case errors.Is(err, errMissing):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("statichost: %s: %w", filepath.Join(dir, name), err)
	}
	defer f.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(f); err != nil {
		return nil, fmt.Errorf("statichost: %s: %w", filepath.Join(dir, name), err)
	}
	return b.Bytes(), nil
}

// current is the configuration for the tree at h.dir now, read again if the
// tree was replaced. While dir is missing (between the build's two renames)
// the last one stays.
func (h *host) current() (*conf, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	tree, err := os.Stat(h.dir)
	if err != nil || os.SameFile(tree, h.conf.tree) {
		return h.conf, nil
	}
	c, err := h.load()
	if err != nil {
		return nil, err
	}
	h.conf = c
	return c, nil
}

// ServeHTTP answers in a static host's order: the _headers rules of the
// path on every answer, then the method, then _redirects (which win over a
// file at the same address, as on Cloudflare Pages and with Netlify's "!"),
// then the file, and the 404 page when there is none.
func (h *host) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := h.current()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	urlPath := cleanPath(r.URL.Path)
	setHeaders(w.Header(), headersFor(c.headers, urlPath)) // on every answer, 404s and redirects too
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if loc, status, ok := redirectFor(c.redirects, urlPath, r.URL.RawQuery); ok {
		http.Redirect(w, r, loc, status)
		return
	}
	root, err := os.OpenRoot(h.dir)
	if err != nil { // dir is being replaced, or gone
		h.notFound(w, r, nil)
		return
	}
	defer root.Close()
	name, redirect := resolve(root, urlPath)
	if redirect {
		u := url.URL{Path: urlPath + "/", RawQuery: r.URL.RawQuery}
		http.Redirect(w, r, u.String(), http.StatusMovedPermanently)
		return
	}
	if name == "" {
		h.notFound(w, r, root)
		return
	}
	f, fi, err := openRegular(root, name)
	if err != nil {
		h.notFound(w, r, root)
		return
	}
	defer f.Close()
	if w.Header().Get("Content-Type") == "" { // a rule's Content-Type wins, as on the hosts
		w.Header().Set("Content-Type", contentType(name))
	}
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

// setHeaders puts the rules' headers on a response, replacing what is
// there, then the one header always sent: nosniff, so a browser never
// guesses a type other than the one given.
func setHeaders(dst, rules http.Header) {
	for name, vals := range rules {
		dst[name] = vals
	}
	dst.Set("X-Content-Type-Options", "nosniff")
}

// cleanPath is the request path with . and .. segments resolved and
// repeated slashes removed, never above the root, keeping a trailing slash.
func cleanPath(p string) string {
	clean := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean
}

// resolve finds the file a cleaned URL path names in the site: a file, or
// the index.html of a directory asked for with a trailing slash. It returns
// the file's name in the root, or redirect when the path names a directory
// with an index.html but lacks the slash, or neither when the site has
// nothing there to serve.
func resolve(root *os.Root, urlPath string) (name string, redirect bool) {
	rel := strings.Trim(urlPath, "/")
	if !servable(rel) {
		return "", false
	}
	dir := strings.HasSuffix(urlPath, "/") || rel == ""
	if dir {
		rel = path.Join(rel, "index.html")
	}
	fi, err := lstatPath(root, rel)
	switch {
	case err == nil && fi.Mode().IsRegular():
		return rel, false
	case err == nil && fi.IsDir() && !dir:
		if idx, err := lstatPath(root, path.Join(rel, "index.html")); err == nil && idx.Mode().IsRegular() {
			return "", true
		}
	}
	return "", false
}

// servable says whether a site path may be served at all: no dotfile or
// dot-directory anywhere on it, not the hosts' configuration files, no
// NUL or backslash (which no built file has in its name).
func servable(rel string) bool {
	if rel == HeadersFile || rel == RedirectsFile || strings.ContainsAny(rel, "\x00\\") {
		return false
	}
	for seg := range strings.SplitSeq(rel, "/") {
		if strings.HasPrefix(seg, ".") {
			return false
		}
	}
	return true
}

// errMissing says there is no servable file at a name.
var errMissing = fs.ErrNotExist

// lstatPath is Lstat of name in root after checking every directory on the
// way to it: each must be a real directory, not a symbolic link. (The last
// component may be anything; callers check its type.)
func lstatPath(root *os.Root, name string) (fs.FileInfo, error) {
	segs := strings.Split(name, "/")
	for i := range segs {
		fi, err := root.Lstat(strings.Join(segs[:i+1], "/"))
		if err != nil {
			return nil, errMissing
		}
		if i == len(segs)-1 {
			return fi, nil
		}
		if !fi.IsDir() { // a link to a directory is not one (Lstat)
			return nil, errMissing
		}
	}
	return nil, errMissing
}

// openRegular opens name in root if it and every directory on the way are
// what they seem: a regular file, reached through real directories. The
// file opened is checked to be the one looked at, so a link put in its
// place in between is not followed; os.Root keeps any such race inside
// the site in any case.
func openRegular(root *os.Root, name string) (*os.File, fs.FileInfo, error) {
	fi, err := lstatPath(root, name)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("is %s, not a regular file", kind(fi.Mode()))
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, nil, errMissing
	}
	opened, err := f.Stat()
	if err != nil || !os.SameFile(fi, opened) {
		f.Close()
		return nil, nil, errMissing
	}
	return f, opened, nil
}

// kind names a file type for an error message.
func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a directory"
	}
	return "a special file (" + m.Type().String() + ")"
}

// notFound answers 404 with the site's 404.html, or a short page of its own
// when the site has none (root is nil when the site cannot be opened).
func (h *host) notFound(w http.ResponseWriter, r *http.Request, root *os.Root) {
	body := []byte(defaultNotFound)
	if root != nil {
		if f, _, err := openRegular(root, notFoundPage); err == nil {
			var b bytes.Buffer
			if _, err := b.ReadFrom(f); err == nil {
				body = b.Bytes()
			}
			f.Close()
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

const defaultNotFound = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Page not found</title></head><body><main><h1>Page not found</h1><p>There is no page at this address.</p></main></body></html>
`

// types are the content types of the files a build writes, given here so
// that they do not depend on the machine's mime.types.
var types = map[string]string{
	".html":        "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".json":        "application/json",
	".xml":         "application/xml",
	".webmanifest": "application/manifest+json",
	".svg":         "image/svg+xml",
	".txt":         "text/plain; charset=utf-8",
	".zip":         "application/zip",
	".docx":        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx":        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pdf":         "application/pdf",
	".png":         "image/png",
	".ico":         "image/vnd.microsoft.icon",
	".woff2":       "font/woff2",
}

// contentType is the type a file is sent as, by its extension; a file
// without a known one (packs/SHA256SUMS) is application/octet-stream, never
// guessed from its bytes.
func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
