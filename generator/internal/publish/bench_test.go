package publish

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkStageWrite is the write stage: 1,000 pages of 10 KB into 20
// folders of a staging tree, from two goroutines as the build does (the
// tree is then dropped outside the timing, so neither the disk flush nor
// the removal is measured).
func BenchmarkStageWrite(b *testing.B) {
	page := bytes.Repeat([]byte("<p>words</p>\n"), 800)
	out := filepath.Join(b.TempDir(), "public")
	for b.Loop() {
		st, err := NewStage(out)
		if err != nil {
			b.Fatal(err)
		}
		done := make(chan error, 2)
		for g := range 2 {
			go func() {
				for i := g; i < 1000; i += 2 {
					if err := st.Write(fmt.Sprintf("s%d/p%d/index.html", i%20, i), page); err != nil {
						done <- err
						return
					}
				}
				done <- nil
			}()
		}
		for range 2 {
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		st.Abort()
		b.StartTimer()
	}
	b.ReportMetric(1000*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
