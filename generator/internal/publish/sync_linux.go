package publish

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncTree flushes the file system that holds dir (syncfs(2)): the new tree
// is on disk before it becomes the live one, without flushing every other
// disk of the machine as sync(2) would.
func syncTree(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}
