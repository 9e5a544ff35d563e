package workbook

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/bcs/publish/generator/internal/bundle"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const testPath = `C:\BCS\bcs-mo-starter-pack-QJ2-1.1.0\workbooks\06-prescribing-safety-dashboard.xlsx`

func powerBIFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := PowerBI("powerbi/", testPath)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		if err := bundle.CheckName(f.Name); err != nil {
			t.Error(err)
		}
		if _, dup := out[f.Name]; dup {
			t.Errorf("%s written twice", f.Name)
		}
		out[f.Name] = f.Data
	}
	return out
}

// TestPowerBIGolden compares every Power BI file with testdata/powerbi.txtar
// (go test ./generator/internal/workbook -run PowerBIGolden -update rewrites it).
func TestPowerBIGolden(t *testing.T) {
	files, err := PowerBI("powerbi/", testPath)
	if err != nil {
		t.Fatal(err)
	}
	var got txtar.Archive
	got.Comment = []byte("Golden Power BI files for the QJ2 pack (see powerbi_test.go).\n")
	for _, f := range files {
		got.Files = append(got.Files, txtar.File{Name: f.Name, Data: f.Data})
	}
	name := filepath.Join("testdata", "powerbi.txtar")
	if *update {
		if err := os.WriteFile(name, txtar.Format(&got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := txtar.ParseFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Files) != len(got.Files) {
		t.Fatalf("%d files, golden has %d (run with -update after checking the change)", len(got.Files), len(want.Files))
	}
	for i, w := range want.Files {
		g := got.Files[i]
		if g.Name != w.Name || !bytes.Equal(g.Data, w.Data) {
			t.Errorf("%s differs from the golden %s (run with -update after checking the change):\n%s", g.Name, w.Name, g.Data)
		}
	}
}

// TestPowerBISchemas validates the JSON parts that have self-contained
// published schemas against the pinned copies in testdata/schemas, and
// checks that every other JSON part is well formed and names its schema.
func TestPowerBISchemas(t *testing.T) {
	c := jsonschema.NewCompiler()
	root := filepath.Join("testdata", "schemas")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".json" {
			return err
		}
		fh, err := os.Open(p)
		if err != nil {
			return err
		}
		defer fh.Close()
		doc, err := jsonschema.UnmarshalJSON(fh)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		return c.AddResource("https://developer.microsoft.com/json-schemas/"+filepath.ToSlash(rel), doc)
	})
	if err != nil {
		t.Fatal(err)
	}
	validated := map[string]bool{SchemaPBIP: true, SchemaPBISM: true, SchemaPBIR: true, SchemaVersion: true, SchemaPages: true}
	seen := map[string]bool{}
	for name, data := range powerBIFiles(t) {
		if !strings.HasSuffix(name, ".json") && !strings.HasSuffix(name, ".pbip") && !strings.HasSuffix(name, ".pbism") && !strings.HasSuffix(name, ".pbir") && !strings.HasSuffix(name, ".pbids") {
			continue
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: not JSON: %v", name, err)
			continue
		}
		obj, _ := inst.(map[string]any)
		url, _ := obj["$schema"].(string)
		if strings.HasSuffix(name, ".pbids") {
			continue // a small documented format without a published schema: golden only
		}
		if url == "" {
			t.Errorf("%s names no $schema", name)
			continue
		}
		if !validated[url] {
			continue
		}
		sch, err := c.Compile(url)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s does not validate against %s:\n%v", name, url, err)
		}
		seen[url] = true
	}
	for url := range validated {
		if !seen[url] {
			t.Errorf("no part validated against %s", url)
		}
	}
	// The schemas refuse what they should: a .pbip without artifacts.
	sch, err := c.Compile(SchemaPBIP)
	if err != nil {
		t.Fatal(err)
	}
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"$schema": "` + SchemaPBIP + `", "version": "1.0"}`))
	if sch.Validate(bad) == nil {
		t.Error("a .pbip without artifacts validated")
	}
}

// TestPowerBIModelMatchesWorkbook checks the model against the workbook it
// reads: the defined names and headers, and every field a visual shows.
func TestPowerBIModelMatchesWorkbook(t *testing.T) {
	d, inds := load(t)
	data, err := Dashboard(inds, meta(t, d, "QJ2"))
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	names := map[string]bool{}
	for _, n := range f.GetDefinedName() {
		names[n.Name] = true
	}
	files := powerBIFiles(t)
	model := string(files["powerbi/"+PowerBIProject+".SemanticModel/definition/tables/Indicators.tmdl"]) +
		string(files["powerbi/"+PowerBIProject+".SemanticModel/definition/tables/Monthly.tmdl"])
	for _, m := range regexp.MustCompile(`Item = "([^"]+)", Kind = "DefinedName"`).FindAllStringSubmatch(model, -1) {
		if !names[m[1]] {
			t.Errorf("the model reads defined name %s, which the workbook lacks", m[1])
		}
	}
	for c, h := range IndicatorHeaders {
		if got := get(t, f, IndicatorsSheet, cell(c+1, HeaderRow)); got != h {
			t.Errorf("Indicators header %d is %q, the model reads %q", c+1, got, h)
		}
	}
	for k := range Months {
		if got := get(t, f, DataSheet, cell(DataColumn(k), HeaderRow)); got != MonthHeader(k, true) || !regexp.MustCompile(`^M\d\d numerator$`).MatchString(got) {
			t.Errorf("Monthly data header %q: the model splits M<nn> and numerator/denominator from it", got)
		}
	}
	// Fields: columns and measures the model defines, by table.
	defined := map[string]bool{}
	var table string
	for _, line := range strings.Split(model, "\n") {
		if t, ok := strings.CutPrefix(line, "table "); ok {
			table = t
		}
		for _, kind := range []string{"\tcolumn ", "\tmeasure "} {
			if rest, ok := strings.CutPrefix(line, kind); ok {
				name, _, _ := strings.Cut(rest, " =")
				defined[table+"."+strings.Trim(name, "'")] = true
			}
		}
	}
	for name, data := range files {
		if !strings.HasSuffix(name, "/visual.json") {
			continue
		}
		var v struct {
			Visual struct {
				Query struct {
					QueryState map[string]struct {
						Projections []struct {
							QueryRef string `json:"queryRef"`
						} `json:"projections"`
					} `json:"queryState"`
				} `json:"query"`
			} `json:"visual"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n := 0
		for _, role := range v.Visual.Query.QueryState {
			for _, p := range role.Projections {
				n++
				if !defined[p.QueryRef] {
					t.Errorf("%s shows %s, which the model does not define (have %v)", name, p.QueryRef, defined)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s shows nothing", name)
		}
	}
}
