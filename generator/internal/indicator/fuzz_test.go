package indicator

import "testing"

// FuzzParse: any indicator file gives indicators or errors, never a panic.
func FuzzParse(f *testing.F) {
	f.Add("indicators:\n" + one)
	f.Add("indicators:\n  - {id: A, name: n, title: t, summary: s, numerator: x, denominator: y, target: t, direction: higher, source: s, unit: per_1000, key: true}\n")
	f.Add("indicators: [")
	f.Add("indicators:\n  - {id: A, target_percent: 1e400}\n")
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse("f.yaml", []byte(src))
		if err != nil {
			return
		}
		for _, ind := range s.All {
			if ind.Unit == "" {
				t.Fatalf("%s accepted without a unit", ind.ID)
			}
		}
	})
}
