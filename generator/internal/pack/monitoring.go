package pack

import (
	"fmt"
	"strings"

	"github.com/bcs/publish/generator/internal/csvtab"
	"github.com/bcs/publish/generator/internal/diag"
)

// The monitoring requirements, packs/monitoring.csv: one row per drug.

// Drug is one row of the monitoring requirements (national defaults).
type Drug struct {
	Name     string // e.g. "mycophenolate mofetil"
	Group    string // one of the high-risk drug groups, e.g. "Anticoagulants"
	Class    string
	Tests    string
	Interval string // when stable
	Notes    string
	Source   string
	Verified bool   // the row was read at Source; a row that was not is shown only as "check before use"
	Research string // how the row was checked, and doubts: never published

	SourceAt diag.Pos // where the source cell is, for errors
}

// MonitoringColumns is the header of packs/monitoring.csv.
var MonitoringColumns = []string{"drug", "group", "class", "tests", "interval_stable", "notes", "verified", "source", "research"}

func parseMonitoring(name string, src []byte) ([]Drug, error) {
	rows, errs := csvtab.Read(name, src, MonitoringColumns)
	var drugs []Drug
	seen := map[string]bool{}
	for _, row := range rows {
		f := row.Fields
		d := Drug{Name: f[0], Group: f[1], Class: f[2], Tests: f[3], Interval: f[4], Notes: f[5], Source: f[7], Research: f[8], SourceAt: row.Pos(7)}
		switch f[6] {
		case "true":
			d.Verified = true
		case "false":
		default:
			errs = append(errs, diag.Errorf(row.Pos(6), "verified must be true or false, not %q", f[6]))
		}
		switch {
		case d.Name == "" || strings.ToLower(d.Name) != d.Name:
			errs = append(errs, diag.Errorf(row.Pos(0), "drug %q must be a lower-case generic name", d.Name))
			continue
		case seen[d.Name]:
			errs = append(errs, diag.Errorf(row.Pos(0), "drug %q is listed twice", d.Name))
			continue
		}
		seen[d.Name] = true
		for i, v := range []string{d.Group, d.Tests, d.Interval, d.Source} {
			if v == "" {
				errs = append(errs, diag.Errorf(row.Pos([]int{1, 3, 4, 7}[i]), "drug %q: missing %s", d.Name, MonitoringColumns[[]int{1, 3, 4, 7}[i]]))
			}
		}
		drugs = append(drugs, d)
	}
	return drugs, errs.Err()
}

func (d *Data) checkDrug(at diag.Pos, name string, seen map[string]bool) diag.List {
	if seen[name] {
		return diag.List{diag.Errorf(at, "drug %q is listed twice", name)}
	}
	seen[name] = true
	if d.drug(name) != nil {
		return nil
	}
	var names []string
	for _, dr := range d.Drugs {
		names = append(names, dr.Name)
	}
	msg := fmt.Sprintf("unknown drug %q (the pack's drugs are listed in %s)", name, MonitoringFile)
	if s := diag.Suggest(name, names); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return diag.List{diag.Errorf(at, "%s", msg)}
}

func (d *Data) drug(name string) *Drug {
	for i := range d.Drugs {
		if d.Drugs[i].Name == name {
			return &d.Drugs[i]
		}
	}
	return nil
}
