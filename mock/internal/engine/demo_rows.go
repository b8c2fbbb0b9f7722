package engine

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/e6data/gorm-e6data/mock/internal/e6sql"
)

// customerRow generates customers rows. Every random draw happens for every row, NULL or not,
// so that changing one NULL rule does not shift the values of the rest.
func customerRow(rng *rand.Rand, st *demoStats) func(id int64, dst []any) {
	return func(id int64, dst []any) {
		first, last := pick(rng, demoFirst), pick(rng, demoLast)
		name := first + " " + last
		if id == 7 {
			name = "Ada 🚀 Lovelace" // a character outside the BMP
		}
		email := strings.ToLower(strings.NewReplacer("'", "", " ", "", "é", "e", "ü", "u", "í", "i").
			Replace(first+"."+last)) + fmt.Sprintf("%d@example.com", id)
		country := pick(rng, demoCountries)
		signup := demoEpoch.AddDate(-8, 0, rng.IntN(8*365))
		if id == 2 {
			signup = time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC) // before the epoch: floor division
		}
		active := rng.IntN(10) < 8
		credit := rng.Int64N(5_000_000)
		login := demoEpoch.Add(time.Duration(rng.Int64N(int64(2*365*24*time.Hour))) / time.Microsecond * time.Microsecond)
		zone := pick(rng, demoZones)
		avatar := make([]byte, 16)
		for i := range avatar {
			avatar[i] = byte(rng.UintN(256))
		}
		var tags []string
		for _, i := range rng.Perm(len(demoTags))[:rng.IntN(4)] {
			tags = append(tags, fmt.Sprintf("%q", demoTags[i]))
		}
		lang, theme := pick(rng, []string{"en", "hi", "de", "ja"}), pick(rng, []string{"dark", "light"})
		street := fmt.Sprintf("%d %s St", 1+rng.IntN(999), pick(rng, demoLast))
		city, zip := pick(rng, demoCities), fmt.Sprintf("%05d", rng.IntN(100000))
		points, rating := rng.Int64N(100_001), float64(rng.IntN(21))/4

		isActive := any(active)
		if id%211 == 0 {
			isActive = nil
		} else if active {
			st.active++
		}
		if id <= int64(len(demoCountries)) { // every country appears
			country = demoCountries[id-1]
		}
		copy(dst, []any{
			id, name, nullEvery(id, 50, email), nullEvery(id, 97, country), nullEvery(id, 89, e6sql.FormatDate(signup)),
			boolArg(isActive), nullEvery(id, 101, cents(credit)), nullEvery(id, 13, e6sql.FormatTimestamp(login)),
			nullEvery(id, 17, e6sql.FormatTimestampTZ(login, zone)), nullEvery(id, 3, avatar),
			nullEvery(id, 29, "["+strings.Join(tags, ",")+"]"),
			nullEvery(id, 31, fmt.Sprintf(`{"lang":%q,"theme":%q}`, lang, theme)),
			nullEvery(id, 37, fmt.Sprintf(`{"street":%q,"city":%q,"zip":%q}`, street, city, zip)),
			nullEvery(id, 19, points), nullEvery(id, 23, rating),
		})
	}
}

// productRow generates products rows and records each price for the orders.
func productRow(rng *rand.Rand, st *demoStats, prices []int64) func(id int64, dst []any) {
	return func(id int64, dst []any) {
		price := 199 + rng.Int64N(99_801)
		prices[id] = price
		weight := float64(50+rng.IntN(25_000)) / 1000
		inStock := rng.IntN(100) < 85
		created := demoEpoch.AddDate(-3, 0, 0).Add(time.Duration(rng.Int64N(int64(3*365*24*time.Hour))) / time.Second * time.Second)
		launch := created.AddDate(0, 0, rng.IntN(60))
		stock := any(inStock)
		if id%97 == 0 {
			stock = nil
		} else if inStock {
			st.inStock++
		}
		copy(dst, []any{
			id, fmt.Sprintf("SKU-%05d", id), pick(rng, demoAdjective) + " " + pick(rng, demoNoun),
			nullEvery(id, 101, pick(rng, demoCategory)), cents(price), nullEvery(id, 53, weight),
			boolArg(stock), nullEvery(id, 59, e6sql.FormatTimestamp(created)), nullEvery(id, 61, e6sql.FormatDate(launch)),
		})
	}
}

// orderRow generates orders rows from the product prices.
func orderRow(rng *rand.Rand, st *demoStats, prices []int64) func(id int64, dst []any) {
	return func(id int64, dst []any) {
		customer := 1 + rng.Int64N(DemoCustomerCount)
		product := 1 + rng.Int64N(DemoProductCount)
		quantity := int64(1 + rng.IntN(10))
		pct := pick(rng, demoDiscounts)
		status := pick(rng, demoStatus)
		ordered := demoEpoch.Add(time.Duration(rng.Int64N(int64(2*365*24*time.Hour))) / time.Microsecond * time.Microsecond)
		ship := ordered.AddDate(0, 0, 1+rng.IntN(7))
		price := prices[product]
		// total = quantity × price × (100 − pct) / 100 cents, rounded half up (all positive).
		total := (quantity*price*(100-pct) + 50) / 100

		row := []any{id, customer, product, quantity, cents(price), cents(total), float64(pct) / 100, status,
			e6sql.FormatTimestamp(ordered), e6sql.FormatDate(ship)}
		for col, name := range []string{"", "customer_id", "product_id", "quantity", "unit_price", "total",
			"discount", "status", "ordered_at", "ship_date"} {
			if slices.Contains(demoOrderNulls[name], id) {
				row[col] = nil
			}
		}
		if row[3] != nil {
			st.quantitySum += quantity
		}
		if row[5] != nil {
			st.totalCents += total
		}
		if row[7] == "delivered" {
			st.delivered++
		}
		if row[1] == int64(1) {
			st.ordersOfOne++
		}
		copy(dst, row)
	}
}

// boolArg stores a boolean the way Exec does: 1 or 0 (nil stays NULL).
func boolArg(v any) any {
	if b, ok := v.(bool); ok {
		if b {
			return int64(1)
		}
		return int64(0)
	}
	return v
}
