package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// hostileCase is one entry of the hostile-content corpus: files laid over a
// valid project, and what the build must do with them.
type hostileCase struct {
	name  string
	files map[string][]byte
	setup func(t *testing.T, dir string) // symlinks and the like
	want  string                         // "ok", or "error <regexp the stderr must match>"
	check func(t *testing.T, dir string) // with "ok": more to check in the project after the build
}

// TestHostileContent builds a valid project, then each hostile case over it.
// Every case must either build safely (nothing executable from the content
// reaches public/) or fail with an error naming the file and line, leaving
// the last good public/ as it was; never panic, never hang.
func TestHostileContent(t *testing.T) {
	base := readTxtar(t, filepath.Join("testdata", "script", "build_ok.txtar"))
	var cases []hostileCase
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "hostile", "*.txtar"))
	for _, name := range fixtures {
		a, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		want, _, _ := strings.Cut(string(a.Comment), "\n")
		c := hostileCase{name: strings.TrimSuffix(filepath.Base(name), ".txtar"), files: map[string][]byte{}, want: strings.TrimPrefix(want, "want ")}
		for _, f := range a.Files {
			c.files[f.Name] = f.Data
		}
		cases = append(cases, c)
	}
	if len(cases) < 10 {
		t.Fatalf("only %d fixtures in testdata/hostile", len(cases))
	}
	page := func(body string) []byte {
		return []byte("---\ntitle: Generated\ndescription: A generated hostile page.\nweight: 3\n---\n" + body)
	}
	var huge strings.Builder
	for i := range 80000 {
		fmt.Fprintf(&huge, "Paragraph %d of a very large page, with *emphasis* and a [link](/guide/two/).\n\n", i)
	}
	var deep strings.Builder
	for i := range 2000 {
		deep.WriteString(strings.Repeat("  ", i) + "- level\n")
	}
	deep16 := deep.String()[:strings.Index(deep.String(), strings.Repeat(" ", 34)+"-")] // 17 levels, 32 columns
	cases = append(cases,
		hostileCase{name: "huge-file", files: map[string][]byte{"content/guide/huge.md": page(huge.String())}, want: "ok"},
		hostileCase{name: "deeply-nested-list", files: map[string][]byte{"content/guide/deep.md": page(deep.String())}, want: `error ^content/guide/deep.md:39:1: this line is indented 66 columns`},
		hostileCase{name: "nested-list-16-levels", files: map[string][]byte{"content/guide/nested.md": page(deep16)}, want: "ok"},
		hostileCase{name: "deeply-nested-quotes", files: map[string][]byte{"content/guide/quotes.md": page(strings.Repeat(">", 20000) + " deep\n")}, want: "ok"},
		hostileCase{name: "open-brackets-100000", files: map[string][]byte{"content/guide/brackets.md": page(strings.Repeat("[a](", 100000) + "\n")}, want: `error ^content/guide/brackets.md:6:1: this paragraph has more than 2000 opening brackets`},
		hostileCase{name: "equal-headings-20000", files: map[string][]byte{"content/guide/headings.md": page(strings.Repeat("## Same\n\n", 20000))}, want: "ok"},
		hostileCase{name: "very-long-line", files: map[string][]byte{"content/guide/long.md": page(strings.Repeat("word ", 400000) + "\n")}, want: "ok"},
		hostileCase{name: "invalid-utf8-body", files: map[string][]byte{"content/guide/bytes.md": page("Fine line.\nBad \xff\xfe bytes.\n")}, want: `error ^content/guide/bytes.md:7:\d+: .*UTF-8`},
		hostileCase{name: "invalid-utf8-front-matter", files: map[string][]byte{"content/guide/bytes.md": []byte("---\ntitle: Bad \xc3\x28\ndescription: x\n---\n")}, want: `error ^content/guide/bytes.md:2:\d+: .*UTF-8`},
		hostileCase{name: "symlink-outside", setup: func(t *testing.T, dir string) {
			outside := filepath.Join(t.TempDir(), "secret.md")
			os.WriteFile(outside, page("A file outside the project."), 0o644)
			symlink(t, outside, filepath.Join(dir, "content", "guide", "leak.md"))
		}, want: `error ^content/guide/leak.md: .*symbolic link`},
		hostileCase{name: "symlink-loop", setup: func(t *testing.T, dir string) {
			symlink(t, "loop.md", filepath.Join(dir, "content", "guide", "loop.md"))
		}, want: `error ^content/guide/loop.md: .*symbolic link`},
		hostileCase{name: "symlink-in-assets", setup: func(t *testing.T, dir string) {
			outside := filepath.Join(t.TempDir(), "secret.js")
			os.WriteFile(outside, []byte("alert(1)"), 0o644)
			symlink(t, outside, filepath.Join(dir, "assets", "leak.js"))
		}, want: `error ^assets/leak.js: .*symbolic link`},
		hostileCase{name: "symlink-in-templates", setup: func(t *testing.T, dir string) {
			outside := filepath.Join(t.TempDir(), "partial.html")
			os.WriteFile(outside, []byte(`{{define "x"}}x{{end}}`), 0o644)
			symlink(t, outside, filepath.Join(dir, "templates", "linked.html"))
		}, want: `error ^templates/linked.html: .*symbolic link`},
		// The one symbolic link policy: a link inside an input folder is
		// refused at its name (the cases above); an input folder that is
		// itself a link (templates/ shared with another site) is read
		// through it, as the stamp hashes it.
		hostileCase{name: "linked-templates-folder",
			files: map[string][]byte{"templates/base.html": bytes.Replace(base["templates/base.html"], []byte("</main>"), []byte("</main><p>Read through the link.</p>"), 1)},
			setup: func(t *testing.T, dir string) {
				elsewhere := filepath.Join(t.TempDir(), "shared-templates")
				if err := os.Rename(filepath.Join(dir, "templates"), elsewhere); err != nil {
					t.Fatal(err)
				}
				symlink(t, elsewhere, filepath.Join(dir, "templates"))
			}, want: "ok",
			check: func(t *testing.T, dir string) {
				if b, err := os.ReadFile(filepath.Join(dir, "public", "index.html")); err != nil || !bytes.Contains(b, []byte("Read through the link.")) {
					t.Errorf("the linked templates folder's edit is not in the site (%v)", err)
				}
			}},
		hostileCase{name: "fifo-in-content", setup: func(t *testing.T, dir string) {
			mkfifo(t, filepath.Join(dir, "content", "notes.md"))
		}, want: `error ^content/notes.md: this is a named pipe \(FIFO\), not a file`},
		hostileCase{name: "fifo-in-assets", setup: func(t *testing.T, dir string) {
			mkfifo(t, filepath.Join(dir, "assets", "pipe.css"))
		}, want: `error ^assets/pipe.css: this is a named pipe \(FIFO\), not a file`},
		hostileCase{name: "fifo-in-templates", setup: func(t *testing.T, dir string) {
			mkfifo(t, filepath.Join(dir, "templates", "pipe.html"))
		}, want: `error ^templates/pipe.html: this is a named pipe \(FIFO\), not a file`},
		hostileCase{name: "symlink-folder-loop", setup: func(t *testing.T, dir string) {
			symlink(t, "..", filepath.Join(dir, "content", "guide", "again"))
		}, want: `error ^content/guide/again: .*symbolic link`},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range base {
				write(t, dir, name, data)
			}
			build := func() (int, string) {
				var out, errOut bytes.Buffer
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				done := make(chan int, 1)
				go func() { done <- run(ctx, []string{"build", "-root", dir}, &out, &errOut) }()
				select {
				case code := <-done:
					return code, errOut.String()
				case <-time.After(90 * time.Second):
					t.Fatalf("the build hung")
				}
				return 0, ""
			}
			if code, stderr := build(); code != 0 {
				t.Fatalf("the base project does not build: %s", stderr)
			}
			before := treeHash(t, filepath.Join(dir, "public"))
			for name, data := range c.files {
				write(t, dir, name, data)
			}
			if c.setup != nil {
				c.setup(t, dir)
			}
			code, stderr := build()
			if c.want == "ok" {
				if code != 0 {
					t.Fatalf("want a safe build, got exit %d:\n%s", code, stderr)
				}
				checkSafe(t, filepath.Join(dir, "public"))
				if c.check != nil {
					c.check(t, dir)
				}
				return
			}
			pattern, ok := strings.CutPrefix(c.want, "error ")
			if !ok {
				t.Fatalf("bad want %q", c.want)
			}
			if code != 1 {
				t.Fatalf("want exit 1 with an error matching %q, got exit %d:\n%s", pattern, code, stderr)
			}
			if !regexp.MustCompile("(?m)" + pattern).MatchString(stderr) {
				t.Errorf("stderr does not match %q:\n%s", pattern, stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("a panic reached the user:\n%s", stderr)
			}
			if after := treeHash(t, filepath.Join(dir, "public")); after != before {
				t.Error("the failed build changed public/")
			}
		})
	}
}

func readTxtar(t *testing.T, name string) map[string][]byte {
	t.Helper()
	a, err := txtar.ParseFile(name)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range a.Files {
		if strings.Contains(f.Name, "/") { // the project's files, not the script's extras
			files[f.Name] = f.Data
		}
	}
	return files
}

func write(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("SKIP: cannot make symbolic links here: %v", err)
	}
}

func mkfifo(t *testing.T, name string) {
	t.Helper()
	if err := syscall.Mkfifo(name, 0o644); err != nil {
		t.Skipf("SKIP: cannot make a named pipe here: %v", err)
	}
}

// treeHash digests every file under dir, names and contents.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

var (
	scriptTag  = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	handlerAtt = regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+\s*=`)
	jsURL      = regexp.MustCompile(`(?i)(href|src|action)\s*=\s*["']?\s*javascript:`)
)

// checkSafe fails if any built page carries script the templates did not put
// there: a script element other than an external file or JSON-LD data, an
// event-handler attribute, or a javascript: address.
func checkSafe(t *testing.T, public string) {
	t.Helper()
	filepath.WalkDir(public, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".html" {
			return err
		}
		if rel, _ := filepath.Rel(public, p); rel == filepath.Join("admin", "index.html") {
			return nil // the CMS's page, made by the build alone (site.TestAdmin), not from content
		}
		data, _ := os.ReadFile(p)
		for _, tag := range scriptTag.FindAllString(string(data), -1) {
			if !strings.Contains(tag, ` src="/`) && !strings.Contains(tag, `type="application/ld+json"`) {
				t.Errorf("%s: script element %s", p, tag)
			}
		}
		if m := handlerAtt.FindString(string(data)); m != "" {
			t.Errorf("%s: event handler attribute in %s", p, m)
		}
		if m := jsURL.FindString(string(data)); m != "" {
			t.Errorf("%s: javascript: address %s", p, m)
		}
		return nil
	})
}

// TestHelperProcess is bcs itself when BCS_HELPER is set: the interrupt
// test runs it as a real process, with main's signal handling.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("BCS_HELPER") != "1" {
		return
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// TestInterruptedBuild: SIGTERM or SIGINT in the middle of a build stops it
// at once, with a message; public/ stays as it was and no staging folder is
// left beside it.
func TestInterruptedBuild(t *testing.T) {
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		t.Run(sig.String(), func(t *testing.T) {
			root := t.TempDir()
			for _, d := range []string{"content", "templates", "assets", "packs"} {
				if err := os.CopyFS(filepath.Join(root, d), os.DirFS(filepath.Join("../../..", d))); err != nil {
					t.Fatal(err)
				}
			}
			out := filepath.Join(root, "public")
			write(t, out, "index.html", []byte("the last good site"))
			before := treeHash(t, out)
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "--", "build", "-root", root, "-no-cache")
			cmd.Env = append(os.Environ(), "BCS_HELPER=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until the build is writing its staging folder.
			deadline := time.Now().Add(60 * time.Second)
			for {
				if m, _ := filepath.Glob(filepath.Join(root, ".public.new-*")); len(m) > 0 {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatal("the build never started writing")
				}
				time.Sleep(5 * time.Millisecond)
			}
			sent := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("the build did not stop within 10 s of %v", sig)
			}
			took := time.Since(sent)
			t.Logf("stopped %v after %v", sig, took)
			if took > 2*time.Second { // the promise is under a second; the margin is for a loaded machine
				t.Errorf("the build took %v to stop after %v", took, sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "stopped (interrupted or terminated) before the build finished") {
				t.Errorf("exit %d, stderr %q", code, stderr.String())
			}
			if after := treeHash(t, out); after != before {
				t.Error("public/ changed")
			}
			if m, _ := filepath.Glob(filepath.Join(root, ".public.*")); len(m) > 0 {
				t.Errorf("left behind: %v", m)
			}
		})
	}
}
