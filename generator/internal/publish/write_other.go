//go:build !unix

package publish

import "os"

func writeNew(name string, data []byte) error { return os.WriteFile(name, data, FileMode) }

func mkdirNew(dir string) error { return os.MkdirAll(dir, DirMode) }
