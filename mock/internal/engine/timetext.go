package engine

// The engine stores TIMESTAMP and DATE values as e6sql's canonical texts,
// "2006-01-02 15:04:05.000000" and "2006-01-02". Reading a column of them is the hot path of a
// scan, so those two exact layouts are decoded here with plain digit arithmetic; any other
// spelling falls back to e6sql's lenient parser.

// canonicalMicros returns the epoch µs (UTC) of s if s is exactly "dddd-dd-dd" or
// "dddd-dd-dd dd:dd:dd.dddddd" with every field in range (years 0001–9999).
func canonicalMicros(s string) (int64, bool) {
	if len(s) != len("2006-01-02") && len(s) != len("2006-01-02 15:04:05.000000") {
		return 0, false
	}
	if s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y, ok1 := num(s[0:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	if !(ok1 && ok2 && ok3) || y < 1 || m < 1 || m > 12 || d < 1 || d > monthDays(y, m) {
		return 0, false
	}
	us := daysFromCivil(y, m, d) * 86_400_000_000
	if len(s) == len("2006-01-02") {
		return us, true
	}
	if s[10] != ' ' || s[13] != ':' || s[16] != ':' || s[19] != '.' {
		return 0, false
	}
	h, ok1 := num(s[11:13])
	mi, ok2 := num(s[14:16])
	sec, ok3 := num(s[17:19])
	frac, ok4 := num(s[20:26])
	if !(ok1 && ok2 && ok3 && ok4) || h > 23 || mi > 59 || sec > 59 {
		return 0, false
	}
	return us + ((int64(h)*60+int64(mi))*60+int64(sec))*1_000_000 + int64(frac), true
}

// num reads s as unsigned decimal digits.
func num(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func monthDays(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
// (H. Hinnant's algorithm), for years ≥ 1.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
