package codes

// The Verhoeff check digit tables: d is the multiplication table of the
// dihedral group D5, p the permutation applied by position (p[i] is the
// i-th power of p[1], built below rather than typed in), inv the inverse.
var (
	verhoeffD = [10][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
		{2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
		{4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
		{5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
		{7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
		{8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffInv = [10]byte{0, 4, 3, 2, 1, 5, 6, 7, 8, 9}
)

// verhoeffValid reports whether digits (ASCII, check digit last) pass the
// Verhoeff check.
func verhoeffValid(digits string) bool {
	var c byte
	for i := range len(digits) {
		c = verhoeffD[c][verhoeffP[i%8][digits[len(digits)-1-i]-'0']]
	}
	return c == 0
}

// verhoeffDigit computes the check digit to append to digits.
func verhoeffDigit(digits string) byte {
	var c byte
	for i := range len(digits) {
		c = verhoeffD[c][verhoeffP[(i+1)%8][digits[len(digits)-1-i]-'0']]
	}
	return '0' + verhoeffInv[c]
}

var verhoeffP = func() (p [8][10]byte) {
	p[0] = [10]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	p[1] = [10]byte{1, 5, 7, 6, 2, 8, 3, 0, 9, 4}
	for i := 2; i < 8; i++ {
		for j := range 10 {
			p[i][j] = p[i-1][p[1][j]]
		}
	}
	return p
}()
