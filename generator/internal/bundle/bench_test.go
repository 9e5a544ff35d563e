package bundle

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkZip is the zip stage on a pack-shaped bundle: five .docx and
// two .xlsx files (stored, being ZIPs already) and twenty text files
// (deflated at the best compression), as each ICB's pack is made.
func BenchmarkZip(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	var files []File
	for i := range 7 {
		data := make([]byte, 40<<10)
		for j := range data {
			data[j] = byte(rng.UintN(256))
		}
		ext := ".docx"
		if i >= 5 {
			ext = ".xlsx"
		}
		files = append(files, File{Name: fmt.Sprintf("documents/%02d%s", i, ext), Data: data})
	}
	for i := range 20 {
		files = append(files, File{Name: fmt.Sprintf("text/%02d.md", i), Data: bytes.Repeat([]byte(fmt.Sprintf("Line %d of a pack's text file.\n", i)), 200)})
	}
	size := 0
	for _, f := range files {
		size += len(f.Data)
	}
	b.SetBytes(int64(size))
	at := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		if _, err := Zip(files, at); err != nil {
			b.Fatal(err)
		}
	}
}
