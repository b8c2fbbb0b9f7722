package main

import (
	"database/sql"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/e6data/gorm-e6data/connector"
)

func TestPercentiles(t *testing.T) {
	for _, tc := range []struct {
		ms       []float64
		p50, p99 float64
	}{
		{nil, 0, 0},
		{[]float64{5}, 5, 5},
		{[]float64{3, 1, 2}, 2, 3},
		{[]float64{4, 1, 3, 2}, 2, 4},
		{func() []float64 {
			s := make([]float64, 200)
			for i := range s {
				s[i] = float64(200 - i)
			}
			return s
		}(), 100, 198},
	} {
		p50, p99 := percentiles(tc.ms)
		assert.Equal(t, tc.p50, p50, "%v", tc.ms)
		assert.Equal(t, tc.p99, p99, "%v", tc.ms)
	}
}

// TestBandFromQueries: without a known initial colour (a real cluster) the band follows the
// colour that served most queries each second; a second with a tie or no query is a gap.
func TestBandFromQueries(t *testing.T) {
	secs := []Second{{T: 0, Blue: 5}, {T: 1, Blue: 3, Green: 1}, {T: 2, Green: 4}, {T: 3}, {T: 4, Green: 2, Blue: 2}, {T: 5, Blue: 1}}
	assert.Equal(t, []Segment{{0, 2, "blue"}, {2, 3, "green"}, {5, 5.5, "blue"}}, band("", nil, secs, 5.5))
	assert.Equal(t, []Segment{{0, 5.5, "green"}}, band("green", nil, secs, 5.5), "a known colour and no switch")
}

func TestChecks(t *testing.T) {
	assert.NoError(t, checkIDs("x", []int64{1, 2}, []int64{1, 2}))
	assert.EqualError(t, checkIDs("page", []int64{1, 3}, []int64{1, 2}), "wrong result: page: id #2 is 3, want 2 (2 ids, want 2)")
	assert.EqualError(t, checkIDs("page", []int64{1}, []int64{1, 2}), "wrong result: page: 1 ids, want 2")
	assert.ErrorIs(t, checkEqual("rows", []statusRow{{"a", 1, 2}}, []statusRow{{"a", 1, 3}}), errWrong)
	assert.NoError(t, checkEqual("rows", []string{}, nil), "no rows is no rows")

	f := &facts{orders: make([]orderFact, 3)}
	f.orders[2] = orderFact{quantity: sql.NullInt32{Int32: 4, Valid: true}, status: sql.NullString{String: "shipped", Valid: true}}
	q, st := int32(4), "shipped"
	assert.NoError(t, f.checkOrder(Order{ID: 2, Quantity: &q, Status: &st}))
	q5 := int32(5)
	err := f.checkOrder(Order{ID: 2, Quantity: &q5})
	assert.ErrorIs(t, err, errWrong)
	assert.ErrorContains(t, err, "order 2: quantity is {5 true}, want {4 true}")
	assert.ErrorContains(t, err, "order 2: status is { false}, want {shipped true}")
	assert.ErrorIs(t, f.checkOrder(Order{ID: 3}), errWrong, "no such order")

	d, err := connector.ParseDecimal("12.30")
	assert.NoError(t, err)
	assert.Equal(t, sql.NullInt64{Int64: 1230, Valid: true}, decimalCents(connector.NullDecimal{Decimal: d, Valid: true}))
	assert.False(t, decimalCents(connector.NullDecimal{}).Valid)
	d, _ = connector.ParseDecimal("0.005")
	assert.NotEqual(t, int64(0), decimalCents(connector.NullDecimal{Decimal: d, Valid: true}).Int64, "sub-cent amounts never match")
}

func TestOutcome(t *testing.T) {
	var o outcome
	o.fail(nil)
	o.fail(errors.New("first"))
	o.fail(errors.New("second"))
	assert.EqualError(t, o.err, "first")
}

func TestFindDemoFileMissing(t *testing.T) {
	_, err := findDemoFile(t.Context(), t.TempDir())
	assert.ErrorContains(t, err, "no SQLite file with the demo tables")
}
