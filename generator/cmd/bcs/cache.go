package main

import (
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/site"
	"github.com/bcs/publish/generator/internal/stamp"
)

// buildCache is what bcs build keeps in the cache folder: the stamp of the
// last build into an output folder, and the converted Markdown.
type buildCache struct {
	dir     string
	out     string // absolute output folder
	inputs  string // stamp.HashInputs of this build
	program string // stamp.Program: the executable's fingerprint
	project fs.FS  // the project, with the inputs already read served from memory
	md      *markdown.Cache
}

// openCache hashes the project's inputs with the program and the options
// that change the output (the build then reads the inputs from memory).
func openCache(dir, root, out, options string) (*buildCache, error) {
	prog, err := stamp.Program(dir)
	if err != nil {
		return nil, err
	}
	inputs, files, err := stamp.HashInputs(root, site.InputDirs, prog+" "+options)
	if err != nil {
		return nil, err
	}
	return &buildCache{dir: dir, out: out, inputs: inputs, program: prog, project: newPreloaded(root, files)}, nil
}

func (c *buildCache) stampFile() string { return stamp.File(c.dir, c.out) }

func (c *buildCache) markdownFile() string { return filepath.Join(c.dir, site.MarkdownCacheFile) }

// current reports whether the output folder is what this build would make.
func (c *buildCache) current(now time.Time) bool {
	return stamp.Load(c.stampFile()).Current(c.inputs, c.out, now)
}

// markdown loads the Markdown cache; a damaged one is said and replaced.
func (c *buildCache) markdown(stderr io.Writer) *markdown.Cache {
	md, err := markdown.LoadCacheFor(c.markdownFile(), c.program)
	if err != nil {
		fmt.Fprintf(stderr, "bcs: %v; converting every page again\n", err)
		md = markdown.NewCache()
	}
	c.md = md
	return md
}

// save writes the Markdown cache and the stamp of the build just
// committed. The cache only saves time: failing to write it is worth a
// word, not a failure.
func (c *buildCache) save(until time.Time, stderr io.Writer) {
	if err := c.md.Save(c.markdownFile()); err != nil {
		fmt.Fprintf(stderr, "bcs: saving the Markdown cache: %v\n", err)
	}
	tree, err := stamp.HashTree(c.out)
	if err == nil {
		err = stamp.Stamp{Inputs: c.inputs, Out: c.out, Tree: tree, Until: until}.Save(c.stampFile())
	}
	if err != nil {
		fmt.Fprintf(stderr, "bcs: saving the build stamp: %v\n", err)
	}
}
