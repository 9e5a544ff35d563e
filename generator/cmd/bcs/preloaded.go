package main

import (
	"io/fs"
	"os"
	"path"
)

// preloaded is the project folder with the contents of the files already
// read (to hash them for the build stamp) served from memory, so that the
// build reads each file once and builds exactly what was hashed. Listing,
// stat and links go to the folder itself.
type preloaded struct {
	dir   fs.FS // os.DirFS of the project
	files map[string][]byte
}

func newPreloaded(root string, files map[string][]byte) fs.FS {
	return &preloaded{dir: os.DirFS(root), files: files}
}

func (p *preloaded) Open(name string) (fs.File, error) { return p.dir.Open(name) }

func (p *preloaded) ReadFile(name string) ([]byte, error) {
	if b, ok := p.files[path.Clean(name)]; ok {
		return b, nil
	}
	return fs.ReadFile(p.dir, name)
}

func (p *preloaded) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(p.dir, name) }

func (p *preloaded) Stat(name string) (fs.FileInfo, error) { return fs.Stat(p.dir, name) }

func (p *preloaded) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(p.dir, name) }

func (p *preloaded) ReadLink(name string) (string, error) { return fs.ReadLink(p.dir, name) }
