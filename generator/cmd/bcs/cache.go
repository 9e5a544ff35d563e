package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/bcs/publish/generator/internal/inputfs"
	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/site"
	"github.com/bcs/publish/generator/internal/stamp"
)

// buildCache is what bcs build keeps in the cache folder: the stamp of the
// last build into an output folder, and the converted Markdown.
type buildCache struct {
	dir     string
	out     string // absolute output folder
	salt    string // the program's fingerprint and the options that change the output
	program string // stamp.Program: the executable's fingerprint
	replay  *inputfs.FS
	md      *markdown.Cache
}

// openCache prepares to check the last build's stamp with the program and
// the options that change the output.
func openCache(dir, root, out, options string) (*buildCache, error) {
	prog, err := stamp.Program(dir)
	if err != nil {
		return nil, err
	}
	return &buildCache{dir: dir, out: out, salt: prog + " " + options, program: prog, replay: inputfs.New(os.DirFS(root)).Keep()}, nil
}

// project is the project for the build: what the stamp's replay read is
// served from memory, so each input is read once, and the build's own
// reads are recorded for its stamp.
func (c *buildCache) project() *inputfs.FS { return c.replay.Fresh() }

func (c *buildCache) stampFile() string { return stamp.File(c.dir, c.out) }

func (c *buildCache) markdownFile() string { return filepath.Join(c.dir, site.MarkdownCacheFile) }

// current reports whether the output folder is what this build would
// make: the last build's reads, replayed, give what they gave then.
func (c *buildCache) current(now time.Time) bool {
	return stamp.Load(c.stampFile()).Current(c.salt, c.replay, c.out, now)
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
// committed, which read reads. The cache only saves time: failing to write
// it is worth a word, not a failure.
func (c *buildCache) save(reads inputfs.Record, until time.Time, stderr io.Writer) {
	if err := c.md.Save(c.markdownFile()); err != nil {
		fmt.Fprintf(stderr, "bcs: saving the Markdown cache: %v\n", err)
	}
	tree, err := stamp.HashTree(c.out)
	if err == nil {
		err = stamp.Stamp{Salt: c.salt, Reads: reads, Out: c.out, Tree: tree, Until: until}.Save(c.stampFile())
	}
	if err != nil {
		fmt.Fprintf(stderr, "bcs: saving the build stamp: %v\n", err)
	}
}
