//go:build !unix

package publish

import "os"

func writeNew(name string, data []byte) error { return os.WriteFile(name, data, 0o644) }

func mkdirNew(dir string) error { return os.MkdirAll(dir, 0o755) }
