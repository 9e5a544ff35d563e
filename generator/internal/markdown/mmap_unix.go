//go:build unix

package markdown

import (
	"os"
	"syscall"
)

// mapFile maps the file name into memory, read-only, for the life of the
// process: the cache's entries point into it instead of being copied onto
// the heap (at 10,000 pages the file is over 100 MB, which the garbage
// collector would otherwise count, and double, when it sizes the heap). A
// file replaced later keeps its old content mapped.
func mapFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() == 0 {
		return nil, nil
	}
	return syscall.Mmap(int(f.Fd()), 0, int(info.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE)
}
