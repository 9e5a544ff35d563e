// Package publish writes a built site to its output directory atomically:
// the files are written into a fresh directory beside the target, flushed to
// disk, and swapped in with renames. If anything fails before the swap, the
// previous output is untouched; a reader never sees a half-written site.
package publish

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
)

// Write replaces the directory out with exactly files (path relative to out
// -> content). It returns the number of files written.
//
// The swap is two renames (out -> old, new -> out); between them out does
// not exist for a moment, but it never holds a mix of two builds. A leftover
// directory from a crashed run (".out.new-*", ".out.old-*") is harmless and
// is removed by the next successful Write.
func Write(out string, files map[string][]byte) (int, error) {
	out = filepath.Clean(out)
	parent, base := filepath.Dir(out), filepath.Base(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return 0, err
	}
	if err := writeAll(tmp, files); err != nil {
		os.RemoveAll(tmp)
		return 0, err
	}
	syscall.Sync() // flush the new tree before it becomes the live one
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return 0, err
	}
	old := ""
	if _, err := os.Stat(out); err == nil {
		old = filepath.Join(parent, fmt.Sprintf(".%s.old-%d", base, os.Getpid()))
		os.RemoveAll(old)
		if err := os.Rename(out, old); err != nil {
			os.RemoveAll(tmp)
			return 0, err
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			_ = os.Rename(old, out) // put the last good site back
		}
		os.RemoveAll(tmp)
		return 0, err
	}
	cleanup(parent, base)
	return len(files), nil
}

func writeAll(root string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	made := map[string]bool{}
	for _, name := range names {
		dst := filepath.Join(root, filepath.FromSlash(name))
		if dir := filepath.Dir(dst); !made[dir] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			made[dir] = true
		}
		if err := os.WriteFile(dst, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// cleanup removes directories left by earlier runs.
func cleanup(parent, base string) {
	for _, pattern := range []string{"." + base + ".old-*"} {
		matches, _ := filepath.Glob(filepath.Join(parent, pattern))
		for _, m := range matches {
			os.RemoveAll(m)
		}
	}
}
