package receiver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// BenchmarkReceive measures the receiver's throughput end to end: posts over
// loopback HTTP from parallel clients (8 per core), each checked and stored
// durably (WAL, synchronous=FULL) before its answer. Reported as
// submissions/s.
//
//   - store-only: the submission alone, as with -store-only.
//   - outbox: with each submission its email and webhook jobs, in the same
//     transaction, while the delivery worker sends them (the webhook to a
//     loopback endpoint, the email to a loopback port that accepts and
//     answers like an SMTP server) and records each attempt: the cost of
//     never losing a request, as bcs receive runs in production.
func BenchmarkReceive(b *testing.B) {
	b.Run("store-only", func(b *testing.B) { benchReceive(b, nil) })
	b.Run("outbox", func(b *testing.B) {
		hook := newHook(b, nil)
		d := &Deliverer{Senders: map[string]Sender{
			ChannelEmail:   &SMTP{Addr: fastSMTP(b), Security: NoTLS},
			ChannelWebhook: &Webhook{URL: hook.URL},
		}}
		benchReceive(b, d)
	})
}

func benchReceive(b *testing.B, d *Deliverer) {
	s := newServer(b, func(c *Config) { c.Deliver = d })
	if d != nil {
		runDeliverer(b, d, s.store)
	}
	body := goodPost().Encode()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(8)
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
	b.StopTimer()
	if d != nil {
		h, err := s.store.Health(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(h.Pending), "pending-at-end")
	}
}

// fastSMTP is a loopback SMTP responder that accepts every message at
// once, so the benchmark measures the receiver, not a mail server (the real
// one, aiosmtpd, is what the tests use). It speaks just enough of RFC 5321
// for net/smtp: EHLO, MAIL, RCPT, DATA, QUIT.
func fastSMTP(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				fmt.Fprint(c, "220 bench ESMTP\r\n")
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
					case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
						fmt.Fprint(c, "250 bench\r\n")
					case cmd == "DATA":
						fmt.Fprint(c, "354 go on\r\n")
						for {
							l, err := r.ReadString('\n')
							if err != nil {
								return
							}
							if l == ".\r\n" {
								break
							}
						}
						fmt.Fprint(c, "250 queued\r\n")
					case cmd == "QUIT":
						fmt.Fprint(c, "221 bye\r\n")
						return
					default:
						fmt.Fprint(c, "250 ok\r\n")
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}
