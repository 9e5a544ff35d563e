package receiver

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// BenchmarkReceive measures the receiver's throughput end to end: posts over
// loopback HTTP from parallel clients, each checked and stored durably
// (WAL, synchronous=FULL) before its answer. Reported as submissions/s.
func BenchmarkReceive(b *testing.B) {
	s := newServer(b, nil)
	body := goodPost().Encode()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(8) // 8 clients per core
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/contact", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", origin)
			req.Header.Set("Accept", "application/json")
			res, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "submissions/s")
}
