package workbook

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bcs/publish/generator/internal/icb"
	"github.com/bcs/publish/generator/internal/indicator"
	"github.com/bcs/publish/generator/internal/pack"
)

var released = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// load reads the repository's pack data and indicators.
func load(t testing.TB) (*pack.Data, []indicator.Indicator) {
	t.Helper()
	repo := filepath.Join("..", "..", "..")
	src, err := os.ReadFile(filepath.Join(repo, pack.ICBsFile))
	if err != nil {
		t.Fatal(err)
	}
	set, err := icb.Parse(pack.ICBsFile, src)
	if err != nil {
		t.Fatal(err)
	}
	d, err := pack.Load(os.DirFS(repo), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	src, err = os.ReadFile(filepath.Join(repo, "packs", "indicators.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	inds, err := indicator.Parse("packs/indicators.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	return d, inds.All
}

func meta(t testing.TB, d *pack.Data, ods string) Meta {
	t.Helper()
	a, err := d.Area(ods, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	p := d.Resolve(a)
	return Meta{Pack: p, Version: "1.0.0", Date: released, Author: "BCS", Keywords: "medicines optimisation; " + ods,
		Control: [][2]string{{"Title", "replaced"}, {"Version", "1.0.0"}, {"ICB", p.ICB.Name + " (" + ods + ")"}, {"Effective date", "26 November 2026"}}}
}

func open(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func get(t *testing.T, f *excelize.File, sheet, c string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, c)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func formulaOf(t *testing.T, f *excelize.File, sheet, c string) string {
	t.Helper()
	v, err := f.GetCellFormula(sheet, c)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func unlocked(t *testing.T, f *excelize.File, sheet, c string) bool {
	t.Helper()
	id, err := f.GetCellStyle(sheet, c)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.Protection != nil && !st.Protection.Locked
}

// parts returns the package's parts by name.
func parts(t *testing.T, data []byte) map[string]string {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		out[f.Name] = b.String()
		if !f.Modified.Equal(released) {
			t.Errorf("%s dated %v, not the release date", f.Name, f.Modified)
		}
	}
	return out
}

func TestDashboardStructure(t *testing.T) {
	d, inds := load(t)
	data, err := Dashboard(inds, meta(t, d, "S0E4D/oxfordshire"))
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	if got, want := f.GetSheetList(), []string{AboutSheet, IndicatorsSheet, DataSheet, RatesSheet, ChartsSheet, HRDSheet}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	// The indicators sheet is the indicator file, in order.
	for i, ind := range inds {
		r := FirstRow + i
		if got := get(t, f, IndicatorsSheet, cell(IndID, r)); got != ind.ID {
			t.Fatalf("Indicators row %d: %q, want %q", r, got, ind.ID)
		}
		if got := get(t, f, IndicatorsSheet, cell(IndSource, r)); (ind.Verified && got != ind.Source) || (!ind.Verified && got != "No published source yet") {
			t.Errorf("%s: source %q", ind.ID, got)
		}
		if !unlocked(t, f, IndicatorsSheet, cell(IndLocalTarget, r)) || unlocked(t, f, IndicatorsSheet, cell(IndName, r)) {
			t.Errorf("%s: the local target must be the unlocked cell", ind.ID)
		}
		for k := range Months {
			if !unlocked(t, f, DataSheet, cell(DataColumn(k), r)) || !unlocked(t, f, DataSheet, cell(DataColumn(k)+1, r)) {
				t.Fatalf("%s month %d: input cells are locked", ind.ID, k+1)
			}
			fm := formulaOf(t, f, RatesSheet, cell(RateFirst+k, r))
			n := fmt.Sprintf("'%s'!%s", DataSheet, cell(DataColumn(k), r))
			if !strings.Contains(fm, n) {
				t.Fatalf("%s month %d: rate formula %q does not read %s", ind.ID, k+1, fm, n)
			}
			if ind.Unit == indicator.Per1000 && !strings.Contains(fm, "*1000") {
				t.Errorf("%s: per-1,000 rate without *1000: %s", ind.ID, fm)
			}
		}
		if fm := formulaOf(t, f, RatesSheet, cell(RateStatus, r)); !strings.Contains(fm, `"Green"`) {
			t.Errorf("%s: status formula %q", ind.ID, fm)
		}
		if ind.TargetPercent != nil {
			if got := get(t, f, IndicatorsSheet, cell(IndLocalTarget, r)); got == "" {
				t.Errorf("%s: target_percent %v not carried to the local target", ind.ID, *ind.TargetPercent)
			}
		}
	}
	if unlocked(t, f, RatesSheet, cell(RateFirst, FirstRow)) {
		t.Error("rate cells must be locked")
	}
	// Validation: whole numbers, numerator <= denominator, on every input cell.
	dvs, err := f.GetDataValidations(DataSheet)
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, dv := range dvs {
		for _, ref := range strings.Fields(dv.Sqref) {
			from, to, _ := strings.Cut(ref, ":")
			c1, r1, _ := excelize.CellNameToCoordinates(from)
			c2, r2, _ := excelize.CellNameToCoordinates(to)
			for c := c1; c <= c2; c++ {
				for r := r1; r <= r2; r++ {
					covered[cell(c, r)] = true
				}
			}
		}
		if dv.Type == "custom" && !strings.Contains(dv.Formula1, "INT(") {
			t.Errorf("custom validation %q does not check whole numbers", dv.Formula1)
		}
	}
	if want := len(inds) * Months * 2; len(covered) != want {
		t.Errorf("%d input cells validated, want %d", len(covered), want)
	}
	// Defined names, protection, panes, charts, properties.
	names := map[string]string{}
	for _, n := range f.GetDefinedName() {
		names[n.Name] = n.RefersTo
	}
	for _, n := range []string{"PracticeName", "FirstMonth", "Indicators", "MonthlyData", "Rates"} {
		if names[n] == "" {
			t.Errorf("defined name %s missing (have %v)", n, names)
		}
	}
	p := parts(t, data)
	for i := range 6 {
		sheet := p[fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)]
		if !strings.Contains(sheet, `<sheetProtection password="`) || strings.Contains(sheet, "algorithmName") {
			t.Errorf("sheet %d: want legacy password protection", i+1)
		}
	}
	for _, s := range []string{IndicatorsSheet, DataSheet, RatesSheet, HRDSheet} {
		panes, err := f.GetPanes(s)
		if err != nil || !panes.Freeze {
			t.Errorf("%s: no frozen panes", s)
		}
	}
	var key, charts int
	for _, ind := range inds {
		if ind.Key {
			key++
		}
	}
	for name := range p {
		if strings.HasPrefix(name, "xl/charts/chart") {
			charts++
		}
	}
	if key == 0 || charts != key {
		t.Errorf("%d charts for %d key indicators", charts, key)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Title != DashboardTitle || props.Created != "2026-11-26T00:00:00Z" || props.Version != "1.0.0" {
		t.Errorf("document properties %+v", props)
	}
	// The ICB's monitoring table, with its local statuses.
	rows, err := f.GetRows(HRDSheet)
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprint(rows)
	for _, want := range []string{"Oxfordshire", "mycophenolate mofetil", "Red for renal transplant patients", "Amber Shared Care Protocol", pack.CheckShort} {
		if !strings.Contains(text, want) {
			t.Errorf("HRD monitoring sheet lacks %q", want)
		}
	}
}

func TestTrackerStructure(t *testing.T) {
	d, _ := load(t)
	data, err := Tracker(meta(t, d, "QJ2"))
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	if got, want := f.GetSheetList(), []string{AboutSheet, AlertsSheet, SummarySheet}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	tables, err := f.GetTables(AlertsSheet)
	if err != nil || len(tables) != 1 || tables[0].Name != "Alerts" {
		t.Fatalf("tables %+v, %v", tables, err)
	}
	if want := fmt.Sprintf("A%d:%s%d", HeaderRow, colName(alertColumns), HeaderRow+AlertRows); tables[0].Range != want {
		t.Errorf("table range %s, want %s", tables[0].Range, want)
	}
	for c := 1; c <= alertColumns; c++ {
		spec := alertColumnsSpec[c]
		if got := get(t, f, AlertsSheet, cell(c, HeaderRow)); got != spec.header {
			t.Errorf("column %d: header %q, want %q", c, got, spec.header)
		}
		last := cell(c, alertRow+AlertRows-1)
		if (spec.kind == "formula") == unlocked(t, f, AlertsSheet, last) {
			t.Errorf("%s: locked must mean worked out", spec.header)
		}
		if spec.kind == "formula" && formulaOf(t, f, AlertsSheet, last) == "" {
			t.Errorf("%s: no formula in the last row", spec.header)
		}
	}
	dvs, err := f.GetDataValidations(AlertsSheet)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, dv := range dvs {
		kinds[dv.Type]++
		if dv.Type == "list" && strings.HasPrefix(dv.Sqref, colName(AlertType)) && !strings.Contains(dv.Formula1, "Drug Safety Update") {
			t.Errorf("type list %q", dv.Formula1)
		}
	}
	if kinds["list"] != 4 || kinds["date"] != 7 || kinds["custom"] != 1 || kinds["whole"] != 1 {
		t.Errorf("validations by type %v", kinds)
	}
	summary, err := f.GetRows(SummarySheet)
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprint(summary)
	for _, want := range []string{"Medication safety officer", "Overdue", "Closed on time this quarter"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
}

// TestDeterministic builds the workbooks twice: excelize alone writes some
// parts in map order, so this fails without Repack.
func TestDeterministic(t *testing.T) {
	d, inds := load(t)
	m := meta(t, d, "QF7")
	for name, build := range map[string]func() ([]byte, error){
		"dashboard": func() ([]byte, error) { return Dashboard(inds, m) },
		"tracker":   func() ([]byte, error) { return Tracker(m) },
	} {
		a, err := build()
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			b, err := build()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Fatalf("%s: two builds differ", name)
			}
		}
	}
}

func TestRepackSortsContentTypes(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range []struct{ name, body string }{
		{"xl/b.xml", "b"},
		{contentTypes, `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/z" ContentType="z"/><Default Extension="xml" ContentType="x"/><Override PartName="/a" ContentType="a"/></Types>`},
		{"a.xml", "a"},
	} {
		e, _ := w.Create(f.name)
		e.Write([]byte(f.body))
	}
	w.Close()
	out, err := Repack(buf.Bytes(), released)
	if err != nil {
		t.Fatal(err)
	}
	p := parts(t, out)
	r, _ := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
	}
	if want := []string{contentTypes, "a.xml", "xl/b.xml"}; !slices.Equal(names, want) {
		t.Errorf("order %q, want %q", names, want)
	}
	ct := p[contentTypes]
	if a, z := strings.Index(ct, `PartName="/a"`), strings.Index(ct, `PartName="/z"`); a < 0 || z < a {
		t.Errorf("overrides not sorted: %s", ct)
	}
	if _, err := Repack([]byte("not a zip"), released); err == nil {
		t.Error("Repack accepted a non-ZIP")
	}
}

// sample is what the LibreOffice test types into the dashboard, and what
// it expects back: the latest rate and the status, by indicator.
type sample struct {
	id       string
	target   any // typed into Local target; nil leaves the file's value
	months   map[int][2]any
	rate     float64 // the latest rate expected (NaN: none)
	status   string
	firstMon float64 // month 1's rate expected (NaN: none)
}

var samples = []sample{
	{"PINCER-A", 0.02, map[int][2]any{0: {3, 100}, 1: {1, 100}}, 0.01, "Green", 0.03},
	{"HRD-MON-UTD", 0.95, map[int][2]any{0: {80, 100}, 2: {97, 100}}, 0.97, "Green", 0.8},
	{"ALERT-CLOSED-ON-TIME", nil, map[int][2]any{0: {18, 20}}, 0.9, "Red", 0.9},
	{"MEDREC-7D", 0.9, map[int][2]any{0: {44, 50}}, 0.88, "Amber", 0.88},
	{"OP-opioidome", 1000, map[int][2]any{0: {12345.5, 10000}}, 1234.55, "Red", 1234.55},
	{"PINCER-TRIAL-9", nil, map[int][2]any{0: {2, 50}}, 0.04, "Context", 0.04},
	{"SMR-DELIVERED", nil, map[int][2]any{0: {10, 20}}, 0.5, "No target", 0.5},
	{"REPEAT-TAT", nil, map[int][2]any{0: {0, 0}}, math.NaN(), "", math.NaN()},
}

// alertSample is a tracker row, dated relative to today, with its expected
// status, days to deadline and overdue flag.
type alertSample struct {
	kind, title, applicable string
	deadline, closed        *int // days from today
	identified, actioned    any
	status, overdue         string
	days                    string
	outstanding             string
}

func days(n int) *int { return &n }

var alertSamples = []alertSample{
	{"National Patient Safety Alert", "Valproate: new safety measures", "Yes", days(30), nil, 10, 4, "Open", "No", "30", "6"},
	{"Drug Safety Update", "Fluoroquinolones: reminder", "Yes", days(-3), nil, nil, nil, "Overdue", "Yes", "-3", ""},
	{"Medicines recall", "Batch recall", "Yes", days(5), nil, nil, nil, "Due within 7 days", "No", "5", ""},
	{"National Patient Safety Alert", "Closed in time", "Yes", days(-1), days(-2), 3, 3, "Closed", "No", "", "0"},
	{"Other CAS alert", "Device notice", "No", days(10), nil, nil, nil, "Not applicable", "No", "", ""},
	{"Drug Safety Update", "Closed late", "Yes", days(-9), days(-1), nil, nil, "Closed late", "No", "", ""},
}

// TestLibreOfficeRecalculation types sample counts into both workbooks,
// lets LibreOffice recalculate them, and checks what the formulas give.
func TestLibreOfficeRecalculation(t *testing.T) {
	soffice := tool(t, "soffice", "libreoffice-calc-nogui")
	d, inds := load(t)
	m := meta(t, d, "QJ2")
	// WORKBOOK_OUT=DIR keeps the filled-in workbooks there, with PDF
	// exports, to look at (see the README).
	dir := os.Getenv("WORKBOOK_OUT")
	if dir == "" {
		dir = t.TempDir()
	}

	data, err := Dashboard(inds, m)
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	row := map[string]int{}
	for i, ind := range inds {
		row[ind.ID] = FirstRow + i
	}
	for _, s := range samples {
		r, ok := row[s.id]
		if !ok {
			t.Fatalf("no indicator %s", s.id)
		}
		if s.target != nil {
			f.SetCellValue(IndicatorsSheet, cell(IndLocalTarget, r), s.target)
		}
		for k, nd := range s.months {
			f.SetCellValue(DataSheet, cell(DataColumn(k), r), nd[0])
			f.SetCellValue(DataSheet, cell(DataColumn(k)+1, r), nd[1])
		}
	}
	if err := f.SaveAs(filepath.Join(dir, "dashboard.xlsx")); err != nil {
		t.Fatal(err)
	}

	data, err = Tracker(m)
	if err != nil {
		t.Fatal(err)
	}
	tf := open(t, data)
	today := time.Now()
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	for i, a := range alertSamples {
		r := alertRow + i
		tf.SetCellValue(AlertsSheet, cell(AlertType, r), a.kind)
		tf.SetCellValue(AlertsSheet, cell(AlertTitle, r), a.title)
		tf.SetCellValue(AlertsSheet, cell(AlertApplicable, r), a.applicable)
		if a.deadline != nil {
			tf.SetCellValue(AlertsSheet, cell(AlertDeadline, r), today.AddDate(0, 0, *a.deadline))
		}
		if a.closed != nil {
			tf.SetCellValue(AlertsSheet, cell(AlertClosed, r), today.AddDate(0, 0, *a.closed))
		}
		if a.identified != nil {
			tf.SetCellValue(AlertsSheet, cell(AlertIdentified, r), a.identified)
			tf.SetCellValue(AlertsSheet, cell(AlertActioned, r), a.actioned)
		}
	}
	if err := tf.SaveAs(filepath.Join(dir, "tracker.xlsx")); err != nil {
		t.Fatal(err)
	}

	// Every sheet to CSV, values unformatted (LibreOffice 7.2+ exports each
	// sheet as <name>-<sheet>.csv with sheet number -1).
	filter := "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,false,false,false,false,-1"
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", filter, "--outdir", dir, filepath.Join(dir, "dashboard.xlsx"), filepath.Join(dir, "tracker.xlsx"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	if os.Getenv("WORKBOOK_OUT") != "" {
		cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
			"--convert-to", "pdf", "--outdir", dir, filepath.Join(dir, "dashboard.xlsx"), filepath.Join(dir, "tracker.xlsx"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, out)
		}
	}
	rates := readCSV(t, filepath.Join(dir, "dashboard-Rates.csv"))
	for _, s := range samples {
		got := rates[row[s.id]-1]
		t.Logf("%-22s month 1 %-8s latest %-8s status %q", s.id, got[RateFirst-1], got[RateLatest-1], got[RateStatus-1])
		checkNumber(t, s.id+" month 1", got[RateFirst-1], s.firstMon)
		checkNumber(t, s.id+" latest", got[RateLatest-1], s.rate)
		if got[RateStatus-1] != s.status {
			t.Errorf("%s: status %q, want %q", s.id, got[RateStatus-1], s.status)
		}
	}
	alerts := readCSV(t, filepath.Join(dir, "tracker-Alerts.csv"))
	var open, overdue, dueSoon int
	for i, a := range alertSamples {
		got := alerts[alertRow+i-1]
		t.Logf("%-32s status %-18q days %-4s overdue %-3s outstanding %s", a.title, got[AlertStatus-1], got[AlertDaysLeft-1], got[AlertOverdue-1], got[AlertOutstanding-1])
		if got[AlertStatus-1] != a.status || got[AlertOverdue-1] != a.overdue || got[AlertDaysLeft-1] != a.days || got[AlertOutstanding-1] != a.outstanding {
			t.Errorf("%s: status %q overdue %q days %q outstanding %q; want %q %q %q %q", a.title,
				got[AlertStatus-1], got[AlertOverdue-1], got[AlertDaysLeft-1], got[AlertOutstanding-1], a.status, a.overdue, a.days, a.outstanding)
		}
		switch a.status {
		case "Overdue":
			overdue++
			open++
		case "Due within 7 days":
			dueSoon++
			open++
		case "Open":
			open++
		}
	}
	if got := alerts[alertRow+len(alertSamples)-1][AlertStatus-1]; got != "" {
		t.Errorf("an empty row has status %q", got)
	}
	// The summary, against the same rules worked out here.
	qs := time.Date(today.Year(), (today.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	qe := qs.AddDate(0, 3, -1)
	in := func(n *int) bool {
		if n == nil {
			return false
		}
		d := today.AddDate(0, 0, *n)
		return !d.Before(qs) && !d.After(qe)
	}
	var onTime, late, withDeadline, byDeadline int
	for _, a := range alertSamples {
		if in(a.closed) && a.deadline != nil {
			if *a.closed <= *a.deadline {
				onTime++
			} else {
				late++
			}
		}
		if in(a.deadline) && a.applicable != "No" {
			withDeadline++
			if a.closed != nil && *a.closed <= *a.deadline {
				byDeadline++
			}
		}
	}
	summary := readCSV(t, filepath.Join(dir, "tracker-Summary.csv"))
	wants := map[int]int{SumLogged: len(alertSamples), SumOpen: open, SumOverdue: overdue, SumDueSoon: dueSoon,
		SumClosedOnTime: onTime, SumClosedLate: late, SumNotApplicable: 1, SumOutstanding: 6, SumDeadlineQuarter: withDeadline, SumClosedByDeadline: byDeadline}
	for _, r := range slices.Sorted(maps.Keys(wants)) {
		want := wants[r]
		got := summary[r-1]
		t.Logf("summary %-48s %s", got[0], got[1])
		if got[1] != strconv.Itoa(want) {
			t.Errorf("summary %q: %s, want %d", got[0], got[1], want)
		}
	}
}

func readCSV(t *testing.T, name string) [][]string {
	t.Helper()
	fh, err := os.Open(name)
	if err != nil {
		t.Fatalf("LibreOffice wrote no %s: %v", filepath.Base(name), err)
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func checkNumber(t *testing.T, what, got string, want float64) {
	t.Helper()
	if math.IsNaN(want) {
		if got != "" {
			t.Errorf("%s: %q, want empty", what, got)
		}
		return
	}
	// LibreOffice writes a percentage cell's value with its % sign.
	scale := 1.0
	if n, ok := strings.CutSuffix(got, "%"); ok {
		got, scale = n, 100
	}
	v, err := strconv.ParseFloat(got, 64)
	v /= scale
	if err != nil || math.Abs(v-want) > 1e-9 {
		t.Errorf("%s: %q, want %v", what, got, want)
	}
}

// BenchmarkAllICBs builds both workbooks for every ICB, one after another
// (the site builds packs in parallel on every core).
func BenchmarkAllICBs(b *testing.B) {
	d, inds := load(b)
	var metas []Meta
	areas, err := d.Areas(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range areas {
		metas = append(metas, meta(b, d, a.Key()))
	}
	b.ResetTimer()
	for b.Loop() {
		for _, m := range metas {
			if _, err := Dashboard(inds, m); err != nil {
				b.Fatal(err)
			}
			if _, err := Tracker(m); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestLogoOnTheAboutSheet: both workbooks carry the organisation's logo at
// B1 of the About sheet, with its text alternative, and none without one.
func TestLogoOnTheAboutSheet(t *testing.T) {
	d, inds := load(t)
	logo := packsLogo(t)
	for _, withLogo := range []bool{true, false} {
		m := meta(t, d, "QJ2")
		if withLogo {
			m.Logo, m.LogoAlt = logo, "BCS logo"
		}
		dash, track := both(t, inds, m)
		for name, data := range map[string][]byte{"dashboard": dash, "tracker": track} {
			pics, err := open(t, data).GetPictures(AboutSheet, "B1")
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case !withLogo && len(pics) != 0:
				t.Errorf("%s: a logo with none given", name)
			case withLogo && (len(pics) != 1 || !bytes.Equal(pics[0].File, logo) || pics[0].Format.AltText != "BCS logo"):
				t.Errorf("%s: About!B1 pictures %d, want the logo with its alt text", name, len(pics))
			}
		}
	}
	m := meta(t, d, "QJ2")
	m.Logo = []byte("not a png")
	if _, err := Tracker(m); err == nil || !strings.Contains(err.Error(), "the logo is not a PNG image") {
		t.Errorf("a logo that is not a PNG: %v", err)
	}
}

// packsLogo is the project's logo, packs/logo.png.
func packsLogo(t *testing.T) []byte {
	t.Helper()
	logo, err := os.ReadFile(filepath.Join("..", "..", "..", "packs", "logo.png"))
	if err != nil {
		t.Fatal(err)
	}
	return logo
}

// both is the dashboard and the tracker made for m.
func both(t *testing.T, inds []indicator.Indicator, m Meta) (dash, track []byte) {
	t.Helper()
	dash, err := Dashboard(inds, m)
	if err != nil {
		t.Fatal(err)
	}
	track, err = Tracker(m)
	if err != nil {
		t.Fatal(err)
	}
	return dash, track
}
