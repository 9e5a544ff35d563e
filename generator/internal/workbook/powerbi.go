package workbook

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bcs/publish/generator/internal/bundle"
)

// The dashboard's defined names, which the Power BI model reads.
const (
	NameIndicators  = "Indicators"
	NameMonthlyData = "MonthlyData"
	NameFirstMonth  = "FirstMonth"
)

// PowerBIProject is the Power BI project's name: its .pbip file and its
// .SemanticModel and .Report folders.
const PowerBIProject = "prescribing-safety-dashboard"

// Schemas of the Power BI project's JSON parts (Microsoft's published
// JSON schemas; the tests validate against pinned copies).
const (
	schemaBase       = "https://developer.microsoft.com/json-schemas/fabric/"
	SchemaPBIP       = schemaBase + "pbip/pbipProperties/1.0.0/schema.json"
	SchemaPBISM      = schemaBase + "item/semanticModel/definitionProperties/1.0.0/schema.json"
	SchemaPBIR       = schemaBase + "item/report/definitionProperties/2.0.0/schema.json"
	SchemaVersion    = schemaBase + "item/report/definition/versionMetadata/1.0.0/schema.json"
	SchemaPages      = schemaBase + "item/report/definition/pagesMetadata/1.1.0/schema.json"
	SchemaReport     = schemaBase + "item/report/definition/report/1.0.0/schema.json"
	SchemaPage       = schemaBase + "item/report/definition/page/1.0.0/schema.json"
	SchemaVisual     = schemaBase + "item/report/definition/visualContainer/1.0.0/schema.json"
	powerBIPageName  = "dashboard"
	powerBIPageTitle = "Prescribing safety"
)

// PowerBI writes the dashboard's Power BI files, named under dir (with a
// trailing slash): a .pbids data source file that opens Power BI Desktop
// connected to the workbook, and a Power BI project (PBIP: semantic model in
// TMDL, report in PBIR) over the workbook's Indicators and MonthlyData
// ranges, with the rate and status measures. workbookPath is where the
// workbook is expected on a practice's PC; the model's WorkbookPath
// parameter changes it.
func PowerBI(dir, workbookPath string) ([]bundle.File, error) {
	var files []bundle.File
	add := func(name string, data []byte) { files = append(files, bundle.File{Name: dir + name, Data: data}) }
	addJSON := func(name string, v any) error {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		add(name, append(b, '\n'))
		return nil
	}
	obj := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	model, report := PowerBIProject+".SemanticModel/", PowerBIProject+".Report/"
	steps := []struct {
		name string
		v    any
	}{
		{PowerBIProject + ".pbids", obj("version", "0.1", "connections", []any{obj(
			"details", obj("protocol", "file", "address", obj("path", workbookPath)),
			"options", obj(), "mode", nil)})},
		{PowerBIProject + ".pbip", obj("$schema", SchemaPBIP, "version", "1.0",
			"artifacts", []any{obj("report", obj("path", strings.TrimSuffix(report, "/")))},
			"settings", obj("enableAutoRecovery", true))},
		{model + "definition.pbism", obj("$schema", SchemaPBISM, "version", "4.2", "settings", obj())},
		{report + "definition.pbir", obj("$schema", SchemaPBIR, "version", "4.0",
			"datasetReference", obj("byPath", obj("path", "../"+strings.TrimSuffix(model, "/"))))},
		{report + "definition/version.json", obj("$schema", SchemaVersion, "version", "2.0.0")},
		{report + "definition/report.json", obj("$schema", SchemaReport, "themeCollection", obj(), "layoutOptimization", "None")},
		{report + "definition/pages/pages.json", obj("$schema", SchemaPages, "pageOrder", []string{powerBIPageName}, "activePageName", powerBIPageName)},
		{report + "definition/pages/" + powerBIPageName + "/page.json", obj("$schema", SchemaPage, "name", powerBIPageName,
			"displayName", powerBIPageTitle, "displayOption", "FitToPage", "width", 1280, "height", 720)},
	}
	for _, s := range steps {
		if err := addJSON(s.name, s.v); err != nil {
			return nil, err
		}
	}
	for _, v := range visuals() {
		if err := addJSON(report+"definition/pages/"+powerBIPageName+"/visuals/"+v.name+"/visual.json", v.json(obj)); err != nil {
			return nil, err
		}
	}
	for _, part := range tmdl(workbookPath) {
		add(model+"definition/"+part.name, []byte(part.text))
	}
	return files, nil
}

// field is a column or measure a visual shows.
type field struct {
	table, name string
	measure     bool
}

type visual struct {
	name, kind string
	x, y, w, h int
	roles      map[string][]field // query role -> fields
	order      []string           // roles in order
}

func visuals() []visual {
	return []visual{
		{name: "indicatorslicer", kind: "slicer", x: 20, y: 20, w: 400, h: 120,
			roles: map[string][]field{"Values": {{"Indicators", "Indicator", false}}}, order: []string{"Values"}},
		{name: "ratesbymonth", kind: "lineChart", x: 440, y: 20, w: 820, h: 320,
			roles: map[string][]field{"Category": {{"Monthly", "Month", false}}, "Y": {{"Monthly", "Rate", true}, {"Monthly", "Target value", true}}}, order: []string{"Category", "Y"}},
		{name: "statustable", kind: "tableEx", x: 20, y: 360, w: 1240, h: 340,
			roles: map[string][]field{"Values": {{"Indicators", "ID", false}, {"Indicators", "Indicator", false}, {"Monthly", "Latest rate", true}, {"Monthly", "Target value", true}, {"Monthly", "Status", true}}}, order: []string{"Values"}},
	}
}

func (v visual) json(obj func(...any) map[string]any) map[string]any {
	state := obj()
	for _, role := range v.order {
		var projections []any
		for _, f := range v.roles[role] {
			kind := "Column"
			if f.measure {
				kind = "Measure"
			}
			projections = append(projections, obj(
				"field", obj(kind, obj("Expression", obj("SourceRef", obj("Entity", f.table)), "Property", f.name)),
				"queryRef", f.table+"."+f.name, "nativeQueryRef", f.name))
		}
		state[role] = obj("projections", projections)
	}
	return obj("$schema", SchemaVisual, "name", v.name,
		"position", obj("x", v.x, "y", v.y, "z", 0, "width", v.w, "height", v.h),
		"visual", obj("visualType", v.kind, "query", obj("queryState", state)))
}

// tmdlPart is one TMDL file of the semantic model.
type tmdlPart struct{ name, text string }

// tmdlName quotes a TMDL object name when it needs quotes.
func tmdlName(s string) string {
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "'" + strings.ReplaceAll(s, "'", "''") + "'"
		}
	}
	return s
}

// mString is an M text literal.
func mString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// daxColumn is a DAX column reference, Table[Column].
func daxColumn(table, col string) string {
	return tmdlName(table) + "[" + strings.ReplaceAll(col, "]", "]]") + "]"
}

// indent prefixes every line of s with n tabs.
func indent(s string, n int) string {
	pad := strings.Repeat("\t", n)
	return pad + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n"+pad)
}

func column(name, dataType, format string) string {
	s := fmt.Sprintf("\tcolumn %s\n\t\tdataType: %s\n\t\tsummarizeBy: none\n\t\tsourceColumn: %s\n", tmdlName(name), dataType, name)
	if format != "" {
		s += "\t\tformatString: " + format + "\n"
	}
	return s + "\n"
}

func measure(name, dax, format string) string {
	s := fmt.Sprintf("\tmeasure %s =\n%s\n", tmdlName(name), indent(dax, 3))
	if format != "" {
		s += "\t\tformatString: " + format + "\n"
	}
	return s + "\n"
}

func partition(name, m string) string {
	return fmt.Sprintf("\tpartition %s = m\n\t\tmode: import\n\t\tsource =\n%s\n\n", tmdlName(name), indent(m, 4))
}

// tmdl is the semantic model: the workbook path parameter, the Indicators
// and Monthly tables read from the workbook's defined names, the measures,
// and the relationship between the tables.
func tmdl(workbookPath string) []tmdlPart {
	open := "Source = Excel.Workbook(File.Contents(WorkbookPath), null, true),\n"
	// Indicators: the sheet's columns, typed, with the rate multiplier.
	var types []string
	for i, h := range IndicatorHeaders {
		t := "type text"
		if i+1 == IndLocalTarget || i+1 == IndAmber {
			t = "type number"
		}
		types = append(types, fmt.Sprintf("{%s, %s}", mString(h), t))
	}
	unit := mString(IndicatorHeaders[IndUnit-1])
	indicatorsM := "let\n" +
		"    " + open +
		"    Range = Source{[Item = " + mString(NameIndicators) + ", Kind = \"DefinedName\"]}[Data],\n" +
		"    Headers = Table.PromoteHeaders(Range, [PromoteAllScalars = true]),\n" +
		"    Typed = Table.TransformColumnTypes(Headers, {" + strings.Join(types, ", ") + "}),\n" +
		"    Multiplier = Table.AddColumn(Typed, \"Multiplier\", each if Record.Field(_, " + unit + ") = \"per 1,000\" then 1000 else 1, Int64.Type)\n" +
		"in\n" +
		"    Multiplier"
	var indicators strings.Builder
	indicators.WriteString("table Indicators\n\n")
	for i, h := range IndicatorHeaders {
		format := ""
		dataType := "string"
		if i+1 == IndLocalTarget || i+1 == IndAmber {
			dataType, format = "double", "0.0##"
		}
		indicators.WriteString(column(h, dataType, format))
	}
	indicators.WriteString(column("Multiplier", "int64", ""))
	indicators.WriteString(partition("Indicators", indicatorsM))

	// Monthly: one row per indicator and month with data, from the wide sheet.
	id, name := mString(IndicatorHeaders[IndID-1]), mString(IndicatorHeaders[IndName-1])
	monthlyM := "let\n" +
		"    " + open +
		"    Range = Source{[Item = " + mString(NameMonthlyData) + ", Kind = \"DefinedName\"]}[Data],\n" +
		"    Headers = Table.PromoteHeaders(Range, [PromoteAllScalars = true]),\n" +
		"    Counts = Table.UnpivotOtherColumns(Headers, {" + id + ", " + name + "}, \"Field\", \"Value\"),\n" +
		"    Numbered = Table.AddColumn(Counts, \"Month number\", each Number.From(Text.Middle([Field], 1, 2)), Int64.Type),\n" +
		"    Kinds = Table.AddColumn(Numbered, \"Kind\", each Text.AfterDelimiter([Field], \" \"), type text),\n" +
		"    Slim = Table.RemoveColumns(Kinds, {\"Field\", " + name + "}),\n" +
		"    Wide = Table.Pivot(Slim, {\"numerator\", \"denominator\"}, \"Kind\", \"Value\"),\n" +
		"    FirstMonth = Date.From(Source{[Item = " + mString(NameFirstMonth) + ", Kind = \"DefinedName\"]}[Data]{0}[Column1]),\n" +
		"    Dated = Table.AddColumn(Wide, \"Month\", each Date.AddMonths(FirstMonth, [Month number] - 1), type date),\n" +
		"    Named = Table.RenameColumns(Dated, {{\"numerator\", \"Numerator\"}, {\"denominator\", \"Denominator\"}}),\n" +
		"    Typed = Table.TransformColumnTypes(Named, {{" + id + ", type text}, {\"Numerator\", type number}, {\"Denominator\", type number}})\n" +
		"in\n" +
		"    Typed"
	var monthly strings.Builder
	monthly.WriteString("table Monthly\n\n")
	num, den := daxColumn("Monthly", "Numerator"), daxColumn("Monthly", "Denominator")
	month := daxColumn("Monthly", "Month")
	target, amber := daxColumn("Indicators", IndicatorHeaders[IndLocalTarget-1]), daxColumn("Indicators", IndicatorHeaders[IndAmber-1])
	direction := daxColumn("Indicators", IndicatorHeaders[IndDirection-1])
	monthly.WriteString(measure("Numerator total", "SUM ( "+num+" )", "#,0.##"))
	monthly.WriteString(measure("Denominator total", "SUM ( "+den+" )", "#,0"))
	monthly.WriteString(measure("Rate", "VAR n = SUM ( "+num+" )\nVAR d = SUM ( "+den+" )\nRETURN IF ( d > 0, DIVIDE ( n, d ) * MAX ( Indicators[Multiplier] ) )", "0.0##"))
	monthly.WriteString(measure("Latest rate", "VAR lastMonth = CALCULATE ( MAX ( "+month+" ), "+den+" > 0 )\nRETURN CALCULATE ( [Rate], "+month+" = lastMonth )", "0.0##"))
	monthly.WriteString(measure("Target value", "SELECTEDVALUE ( "+target+" )", "0.0##"))
	monthly.WriteString(measure("Status",
		"VAR r = [Latest rate]\nVAR t = [Target value]\nVAR a = COALESCE ( SELECTEDVALUE ( "+amber+" ), 0 )\nVAR dir = SELECTEDVALUE ( "+direction+" )\n"+
			"RETURN\n    SWITCH (\n        TRUE (),\n        ISBLANK ( r ), BLANK (),\n        dir = \"context\", \"Context\",\n        ISBLANK ( t ), \"No target\",\n"+
			"        dir = \"higher\", IF ( r >= t, \"Green\", IF ( r >= t - a, \"Amber\", \"Red\" ) ),\n        IF ( r <= t, \"Green\", IF ( r <= t + a, \"Amber\", \"Red\" ) )\n    )", ""))
	monthly.WriteString(column(IndicatorHeaders[IndID-1], "string", ""))
	monthly.WriteString(column("Month number", "int64", ""))
	monthly.WriteString(column("Month", "dateTime", "mmm yyyy"))
	monthly.WriteString(column("Numerator", "double", ""))
	monthly.WriteString(column("Denominator", "double", ""))
	monthly.WriteString(partition("Monthly", monthlyM))

	key := tmdlName(IndicatorHeaders[IndID-1])
	rel := sha256.Sum256([]byte("Monthly." + key + "->Indicators." + key))
	relName := fmt.Sprintf("%x-%x-%x-%x-%x", rel[0:4], rel[4:6], rel[6:8], rel[8:10], rel[10:16])
	return []tmdlPart{
		{"database.tmdl", "database\n\tcompatibilityLevel: 1567\n"},
		{"model.tmdl", "model Model\n\tculture: en-GB\n\tdefaultPowerBIDataSourceVersion: powerBI_V3\n\tsourceQueryCulture: en-GB\n\nref table Indicators\nref table Monthly\n"},
		{"expressions.tmdl", "/// Where the dashboard workbook is: change it in Power BI Desktop (Transform data > Edit parameters) if the pack was unzipped elsewhere.\n" +
			"expression WorkbookPath = " + mString(workbookPath) + " meta [IsParameterQuery = true, Type = \"Text\", IsParameterQueryRequired = true]\n\n\tannotation PBI_ResultType = Text\n"},
		{"relationships.tmdl", "relationship " + relName + "\n\tfromColumn: Monthly." + key + "\n\ttoColumn: Indicators." + key + "\n"},
		{"tables/Indicators.tmdl", indicators.String()},
		{"tables/Monthly.tmdl", monthly.String()},
	}
}
