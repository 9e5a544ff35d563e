//go:build !unix

package markdown

import "os"

func mapFile(name string) ([]byte, error) { return os.ReadFile(name) }
