package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"bcs": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the command-line scripts in testdata/script: each is a
// txtar archive of a small project and the bcs commands to run on it, with
// the exit codes and messages expected.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script", UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != ""})
}

// TestExitCodes checks the statuses scripts cannot: 2 for usage, 1 for user
// errors, 0 for success.
func TestExitCodes(t *testing.T) {
	var out, errOut strings.Builder
	ctx := context.Background()
	if got := run(ctx, []string{"build", "-nosuchflag"}, &out, &errOut); got != 2 {
		t.Errorf("bad flag: exit %d, want 2", got)
	}
	if got := run(ctx, nil, &out, &errOut); got != 2 {
		t.Errorf("no command: exit %d, want 2", got)
	}
	if got := run(ctx, []string{"build", "-root", t.TempDir()}, &out, &errOut); got != 1 {
		t.Errorf("empty project: exit %d, want 1", got)
	}
	if !strings.Contains(errOut.String(), "content/site.yaml: cannot read the site settings") {
		t.Errorf("empty project: stderr %q does not name the settings file", errOut.String())
	}
}
