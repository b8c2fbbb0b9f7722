package e6data_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// TestEndToEndScanTypes reads every row of the demo's customers and products through GORM and
// compares each field, one idiomatic Go type per e6data type, with the mock's SQLite file.
func TestEndToEndScanTypes(t *testing.T) {
	d := startDemo(t, e6data.Config{}, mock.Options{})

	var cs []Customer
	require.NoError(t, d.db.Order("id").Find(&cs).Error)
	rows, err := d.lite.Query(`SELECT id, name, email, country, signup_date, is_active, credit_limit, last_login,
		tz_login, avatar, tags, prefs, address, loyalty_points, rating FROM customers ORDER BY id`)
	require.NoError(t, err)
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var (
			id                              int64
			name                            string
			email, country, tz, tags, prefs sql.NullString
			address                         sql.NullString
			signup, login                   liteTime
			active                          sql.NullBool
			credit, rating                  sql.NullFloat64
			avatar                          []byte
			points                          sql.NullInt64
		)
		require.NoError(t, rows.Scan(&id, &name, &email, &country, &signup, &active, &credit, &login, &tz, &avatar, &tags, &prefs, &address, &points, &rating))
		require.Less(t, i, len(cs))
		c := cs[i]
		require.Equal(t, id, c.ID)
		assert.Equal(t, name, c.Name, "customer %d name", id)
		assert.Equal(t, email.Valid, c.Email != nil, "customer %d email", id)
		if c.Email != nil {
			assert.Equal(t, email.String, *c.Email)
		}
		assert.Equal(t, country, c.Country, "customer %d country", id)
		assert.Equal(t, signup.Valid, c.SignupDate.Valid, "customer %d signup_date", id)
		if signup.Valid {
			assert.True(t, signup.Time.Equal(c.SignupDate.Time), "customer %d signup_date %v vs %v", id, signup.Time, c.SignupDate.Time)
		}
		assert.Equal(t, active, c.IsActive, "customer %d is_active", id)
		assert.Equal(t, credit.Valid, c.CreditLimit.Valid, "customer %d credit_limit", id)
		if credit.Valid {
			assert.Equal(t, floatCents(credit.Float64), decimalCents(c.CreditLimit.Decimal), "customer %d credit_limit", id)
			assert.Equal(t, int32(2), c.CreditLimit.Decimal.Scale())
		}
		assert.Equal(t, login.Valid, c.LastLogin != nil, "customer %d last_login", id)
		if login.Valid {
			assert.True(t, login.Time.Equal(*c.LastLogin), "customer %d last_login %v vs %v", id, login.Time, *c.LastLogin)
		}
		assert.Equal(t, tz.Valid, c.TzLogin.Valid, "customer %d tz_login", id)
		if tz.Valid {
			want := parseZoned(t, tz.String)
			assert.True(t, want.Equal(c.TzLogin.Time), "customer %d tz_login %v vs %v", id, want, c.TzLogin.Time)
		}
		assert.Equal(t, avatar, c.Avatar, "customer %d avatar", id)
		assert.Equal(t, tags.Valid, c.Tags != nil, "customer %d tags", id)
		if c.Tags != nil {
			assert.Equal(t, normJSON(t, tags.String), normJSON(t, *c.Tags), "customer %d tags", id)
		}
		for _, p := range []struct {
			name      string
			want, got sql.NullString
		}{{"prefs", prefs, c.Prefs}, {"address", address, c.Address}} {
			assert.Equal(t, p.want.Valid, p.got.Valid, "customer %d %s", id, p.name)
			if p.got.Valid {
				assert.Equal(t, normJSON(t, p.want.String), normJSON(t, p.got.String), "customer %d %s", id, p.name)
			}
		}
		assert.Equal(t, points.Valid, c.LoyaltyPoints.Valid, "customer %d loyalty_points", id)
		assert.Equal(t, points.Int64, int64(c.LoyaltyPoints.Int32), "customer %d loyalty_points", id)
		assert.Equal(t, rating.Valid, c.Rating != nil, "customer %d rating", id)
		if c.Rating != nil {
			assert.Equal(t, float32(rating.Float64), *c.Rating, "customer %d rating", id)
		}
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, len(cs), i)

	var ps []Product
	require.NoError(t, d.db.Order("id").Find(&ps).Error)
	prow, err := d.lite.Query(`SELECT id, sku, name, category, price, weight_kg, in_stock, created_at, launch_date FROM products ORDER BY id`)
	require.NoError(t, err)
	defer prow.Close()
	i = 0
	for ; prow.Next(); i++ {
		var (
			id              int64
			sku, name       string
			category        sql.NullString
			price           float64
			weight          sql.NullFloat64
			inStock         sql.NullBool
			created, launch liteTime
		)
		require.NoError(t, prow.Scan(&id, &sku, &name, &category, &price, &weight, &inStock, &created, &launch))
		p := ps[i]
		require.Equal(t, id, p.ID)
		assert.Equal(t, sku, p.Sku)
		assert.Equal(t, name, p.Name)
		assert.Equal(t, category, p.Category)
		assert.Equal(t, floatCents(price), p.Price.cents(), "product %d price", id)
		assert.Equal(t, int32(-2), p.Price.Exponent(), "product %d price keeps its scale", id)
		assert.Equal(t, weight, p.WeightKg, "product %d weight", id)
		assert.Equal(t, inStock.Valid, p.InStock != nil)
		if p.InStock != nil {
			assert.Equal(t, inStock.Bool, *p.InStock)
		}
		for _, tc := range []struct {
			name string
			want sql.NullTime
			got  *time.Time
		}{{"created_at", created.NullTime, p.CreatedAt}, {"launch_date", launch.NullTime, p.LaunchDate}} {
			assert.Equal(t, tc.want.Valid, tc.got != nil, "product %d %s", id, tc.name)
			if tc.got != nil {
				assert.True(t, tc.want.Time.Equal(*tc.got), "product %d %s", id, tc.name)
				assert.Equal(t, time.UTC, tc.got.Location(), "results come back in UTC")
			}
		}
	}
	require.NoError(t, prow.Err())
	assert.Equal(t, len(ps), i)

	// DATE into the driver's civil-date type.
	type signupRow struct {
		ID         int64
		SignupDate connector.NullDate
	}
	var signups []signupRow
	require.NoError(t, d.db.Model(&Customer{}).Select("id", "signup_date").Order("id").Find(&signups).Error)
	require.Len(t, signups, len(cs))
	for k, r := range signups {
		assert.Equal(t, cs[k].SignupDate.Valid, r.SignupDate.Valid, "customer %d", r.ID)
		if r.SignupDate.Valid {
			assert.Equal(t, cs[k].SignupDate.Time.Format(time.DateOnly), r.SignupDate.Date.String(), "customer %d", r.ID)
		}
	}

	// A non-null DECIMAL into the driver's own connector.Decimal.
	type priceRow struct {
		ID    int64
		Price connector.Decimal
	}
	var prices []priceRow
	require.NoError(t, d.db.Model(&Product{}).Select("id", "price").Order("id").Find(&prices).Error)
	require.Len(t, prices, len(ps))
	for k, p := range prices {
		assert.Equal(t, ps[k].ID, p.ID)
		assert.Equal(t, ps[k].Price.cents(), decimalCents(p.Price), "product %d price", p.ID)
		assert.Equal(t, int32(2), p.Price.Scale())
	}
}

// parseZoned parses the mock's TIMESTAMP_TZ text: "2006-01-02 15:04:05.000000 <zone>", the zone
// an offset, "Z" or an IANA name.
// liteTime scans a DATE or TIMESTAMP column of the mock's SQLite file, which holds the canonical
// UTC texts "2006-01-02" and "2006-01-02 15:04:05.000000" (SQLite's driver leaves them as text:
// the mock declares these columns with its own storage type names).
type liteTime struct{ sql.NullTime }

func (l *liteTime) Scan(src any) error {
	if src == nil {
		l.NullTime = sql.NullTime{}
		return nil
	}
	s, ok := src.(string)
	if !ok {
		return l.NullTime.Scan(src)
	}
	layout := "2006-01-02 15:04:05.000000"
	if len(s) == len(time.DateOnly) {
		layout = time.DateOnly
	}
	t, err := time.Parse(layout, s)
	l.NullTime = sql.NullTime{Time: t, Valid: err == nil}
	return err
}

func parseZoned(t testing.TB, s string) time.Time {
	t.Helper()
	k := strings.LastIndexByte(s, ' ')
	wall, zone := s[:k], s[k+1:]
	loc := time.UTC
	switch {
	case zone == "Z":
	case zone[0] == '+' || zone[0] == '-':
		off, err := time.Parse("-07:00", zone)
		require.NoError(t, err)
		_, secs := off.Zone()
		loc = time.FixedZone(zone, secs)
	default:
		l, err := time.LoadLocation(zone)
		require.NoError(t, err)
		loc = l
	}
	ts, err := time.ParseInLocation("2006-01-02 15:04:05.000000", wall, loc)
	require.NoError(t, err)
	return ts
}
