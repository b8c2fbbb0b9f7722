package e6data_test

import (
	"database/sql"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	e6data "github.com/e6data/gorm-e6data"
	e6clause "github.com/e6data/gorm-e6data/clause"
	"github.com/e6data/gorm-e6data/mock"
)

func customerID(c Customer) int64 { return c.ID }
func productID(p Product) int64   { return p.ID }
func orderID(o DemoOrder) int64   { return o.ID }

// TestEndToEndQueries runs the golden-SQL calls through the real driver against the mock's demo
// dataset; every expected value is computed from the mock's SQLite file directly.
func TestEndToEndQueries(t *testing.T) {
	d := startDemo(t, e6data.Config{}, mock.Options{})
	db := d.db

	t.Run("Find Where string", func(t *testing.T) {
		var got []Customer
		require.NoError(t, db.Where("country = ?", "IN").Order("id").Find(&got).Error)
		assert.Equal(t, d.int64s(t, `SELECT id FROM customers WHERE country = 'IN' ORDER BY id`), idsOf(got, customerID))
	})
	t.Run("First Last Take", func(t *testing.T) {
		var first, last, take Customer
		require.NoError(t, db.First(&first).Error)
		require.NoError(t, db.Last(&last).Error)
		require.NoError(t, db.Where("id = ?", 7).Take(&take).Error)
		assert.Equal(t, d.int64(t, `SELECT MIN(id) FROM customers`), first.ID)
		assert.Equal(t, d.int64(t, `SELECT MAX(id) FROM customers`), last.ID)
		assert.Equal(t, d.strings(t, `SELECT name FROM customers WHERE id = 7`), []string{take.Name})
		var none Customer
		assert.ErrorIs(t, db.Where("id = ?", -1).First(&none).Error, gorm.ErrRecordNotFound)
	})
	t.Run("Where struct", func(t *testing.T) {
		var got []Product
		require.NoError(t, db.Where(&Product{Sku: "SKU-00042"}).Find(&got).Error)
		assert.Equal(t, d.int64s(t, `SELECT id FROM products WHERE sku = 'SKU-00042'`), idsOf(got, productID))
	})
	t.Run("Where map Count", func(t *testing.T) {
		var n int64
		require.NoError(t, db.Model(&DemoOrder{}).Where(map[string]any{"status": "delivered", "quantity": 3}).Count(&n).Error)
		assert.Equal(t, d.int64(t, `SELECT COUNT(*) FROM orders WHERE status = 'delivered' AND quantity = 3`), n)
	})
	t.Run("IN LIKE NOT OR", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			query func(*gorm.DB) *gorm.DB
			lite  string
		}{
			{"IN", func(tx *gorm.DB) *gorm.DB { return tx.Where("country IN ?", []string{"IN", "US"}) }, `country IN ('IN','US')`},
			{"LIKE", func(tx *gorm.DB) *gorm.DB { return tx.Where("name LIKE ?", "A%") }, `name LIKE 'A%'`},
			{"NOT", func(tx *gorm.DB) *gorm.DB { return tx.Not("country = ?", "IN") }, `NOT country = 'IN'`},
			{"OR", func(tx *gorm.DB) *gorm.DB { return tx.Where("country = ?", "JP").Or("loyalty_points > ?", 99000) }, `country = 'JP' OR loyalty_points > 99000`},
			{"Named", func(tx *gorm.DB) *gorm.DB {
				return tx.Where("country = @c OR email = @e", sql.Named("c", "DE"), sql.Named("e", "x"))
			}, `country = 'DE' OR email = 'x'`},
			{"Scopes", func(tx *gorm.DB) *gorm.DB {
				active := func(db *gorm.DB) *gorm.DB { return db.Where("is_active") }
				return tx.Scopes(active, func(db *gorm.DB) *gorm.DB { return db.Where("rating >= ?", 4.5) })
			}, `is_active AND rating >= 4.5`},
		} {
			var got []Customer
			require.NoError(t, tc.query(db).Order("id").Find(&got).Error, tc.name)
			assert.Equal(t, d.int64s(t, `SELECT id FROM customers WHERE `+tc.lite+` ORDER BY id`), idsOf(got, customerID), tc.name)
		}
	})
	t.Run("Select Omit", func(t *testing.T) {
		var sel, omit Customer
		require.NoError(t, db.Select("id", "name").Where("id = ?", 3).Take(&sel).Error)
		assert.Equal(t, d.strings(t, `SELECT name FROM customers WHERE id = 3`), []string{sel.Name})
		assert.Nil(t, sel.Email)
		require.NoError(t, db.Omit("name").Where("id = ?", 3).Take(&omit).Error)
		assert.Empty(t, omit.Name)
		require.NotNil(t, omit.Email)
		assert.Equal(t, d.strings(t, `SELECT email FROM customers WHERE id = 3`), []string{*omit.Email})
	})
	t.Run("Order NULLS Limit Offset", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			query func(*gorm.DB) *gorm.DB
			lite  string
		}{
			{"ASC DESC", func(tx *gorm.DB) *gorm.DB {
				return tx.Order(clause.OrderByColumn{Column: clause.Column{Name: "loyalty_points"}, Desc: true}).
					Order(clause.OrderByColumn{Column: clause.Column{Name: "id"}}).Limit(25)
			}, `ORDER BY loyalty_points DESC, id ASC LIMIT 25`},
			{"NULLS FIRST", func(tx *gorm.DB) *gorm.DB {
				return tx.Order(e6clause.Order(clause.Column{Name: "rating"}, e6clause.Asc, e6clause.NullsFirst)).Order("id").Limit(120)
			}, `ORDER BY rating ASC NULLS FIRST, id LIMIT 120`},
			{"NULLS LAST", func(tx *gorm.DB) *gorm.DB {
				return tx.Order(e6clause.Order(clause.Column{Name: "rating"}, e6clause.Desc, e6clause.NullsLast)).Order("id desc").Limit(30).Offset(10)
			}, `ORDER BY rating DESC NULLS LAST, id DESC LIMIT 30 OFFSET 10`},
			{"offset alone", func(tx *gorm.DB) *gorm.DB { return tx.Order("id").Offset(1990) }, `ORDER BY id LIMIT -1 OFFSET 1990`},
		} {
			var got []Customer
			require.NoError(t, tc.query(db).Find(&got).Error, tc.name)
			want := d.int64s(t, `SELECT id FROM customers `+tc.lite)
			require.NotEmpty(t, want)
			assert.Equal(t, want, idsOf(got, customerID), tc.name)
		}
	})
	t.Run("Group Having", func(t *testing.T) {
		type row struct {
			Status string
			N      int64
		}
		var got []row
		require.NoError(t, db.Model(&DemoOrder{}).Select(`status, COUNT(*) AS n`).Where("status IS NOT NULL").
			Group("status").Having("COUNT(*) > ?", 10000).Order("status").Scan(&got).Error)
		want := d.strings(t, `SELECT status || '=' || COUNT(*) FROM orders WHERE status IS NOT NULL GROUP BY status HAVING COUNT(*) > 10000 ORDER BY status`)
		var have []string
		for _, r := range got {
			have = append(have, r.Status+"="+itoa(r.N))
		}
		assert.Equal(t, want, have)
	})
	t.Run("Distinct Pluck", func(t *testing.T) {
		var countries []string
		require.NoError(t, db.Model(&Customer{}).Distinct("country").Where("country IS NOT NULL").Order("country").Pluck("country", &countries).Error)
		assert.Equal(t, d.strings(t, `SELECT DISTINCT country FROM customers WHERE country IS NOT NULL ORDER BY country`), countries)
		var names []string
		require.NoError(t, db.Model(&Customer{}).Order("id").Limit(10).Pluck("name", &names).Error)
		assert.Equal(t, d.strings(t, `SELECT name FROM customers ORDER BY id LIMIT 10`), names)
	})
	t.Run("Joins", func(t *testing.T) {
		var joined []DemoOrder
		require.NoError(t, db.Joins(`JOIN "products" ON "products"."id" = "orders"."product_id" AND "products"."category" = ?`, "toys").
			Where(`"orders"."quantity" = ?`, 10).Order(`"orders"."id"`).Find(&joined).Error)
		assert.Equal(t, d.int64s(t, `SELECT o.id FROM orders o JOIN products p ON p.id = o.product_id AND p.category = 'toys' WHERE o.quantity = 10 ORDER BY o.id`),
			idsOf(joined, orderID))

		var assoc []DemoOrder
		require.NoError(t, db.Joins("Product").Where(`"orders"."id" <= ?`, 20).Order(`"orders"."id"`).Find(&assoc).Error)
		require.Len(t, assoc, 20)
		for _, o := range assoc {
			if o.ProductID == nil {
				assert.Nil(t, o.Product)
				continue
			}
			require.NotNil(t, o.Product, "order %d", o.ID)
			assert.Equal(t, *o.ProductID, o.Product.ID)
			assert.Equal(t, d.strings(t, `SELECT sku FROM products WHERE id = ?`, *o.ProductID), []string{o.Product.Sku})
		}
	})
	t.Run("Preload", func(t *testing.T) {
		var cs []Customer
		require.NoError(t, db.Preload("Orders", func(tx *gorm.DB) *gorm.DB { return tx.Order("id") }).Where("id IN ?", []int64{1, 2, 3}).Order("id").Find(&cs).Error)
		require.Len(t, cs, 3)
		for _, c := range cs {
			assert.Equal(t, d.int64s(t, `SELECT id FROM orders WHERE customer_id = ? ORDER BY id`, c.ID), idsOf(c.Orders, orderID), "customer %d", c.ID)
		}
	})
	t.Run("Subquery", func(t *testing.T) {
		var n int64
		require.NoError(t, db.Model(&Product{}).Where("price > (?)", db.Model(&Product{}).Select("AVG(price)")).Count(&n).Error)
		assert.Equal(t, d.int64(t, `SELECT COUNT(*) FROM products WHERE price > (SELECT AVG(price) FROM products)`), n)
		var ps []Product
		require.NoError(t, db.Where("id IN (?)", db.Model(&DemoOrder{}).Select("product_id").Where("customer_id = ?", 1)).Order("id").Find(&ps).Error)
		assert.Equal(t, d.int64s(t, `SELECT id FROM products WHERE id IN (SELECT product_id FROM orders WHERE customer_id = 1) ORDER BY id`), idsOf(ps, productID))
	})
	t.Run("Count Raw", func(t *testing.T) {
		var n int64
		require.NoError(t, db.Model(&Customer{}).Count(&n).Error)
		assert.Equal(t, d.int64(t, `SELECT COUNT(*) FROM customers`), n)
		var sum int64
		require.NoError(t, db.Raw(`SELECT SUM("quantity") FROM "orders" WHERE "status" = ?`, "returned").Scan(&sum).Error)
		assert.Equal(t, d.int64(t, `SELECT SUM(quantity) FROM orders WHERE status = 'returned'`), sum)
	})
	t.Run("Use other schema", func(t *testing.T) {
		require.NoError(t, d.srv.CreateSchema("lake", "sales"))
		_, err := d.srv.ExecIn("lake", "sales", `CREATE TABLE customers (id BIGINT, name STRING)`)
		require.NoError(t, err)
		_, err = d.srv.ExecIn("lake", "sales", `INSERT INTO customers VALUES (900001, 'elsewhere')`)
		require.NoError(t, err)
		var got []Customer
		require.NoError(t, db.Clauses(e6clause.Use{Catalog: "lake", Schema: "sales"}).Select("id", "name").Find(&got).Error)
		assert.Equal(t, []int64{900001}, idsOf(got, customerID))
		got = nil
		require.NoError(t, db.Scopes(e6data.WithCatalog("lake"), e6data.WithSchema("sales")).Select("id", "name").Find(&got).Error)
		assert.Equal(t, []int64{900001}, idsOf(got, customerID))
		var n int64
		require.NoError(t, db.Scopes(e6clause.Table{Catalog: "lake", Schema: "sales", Name: "customers"}.Scope).Model(&Customer{}).Count(&n).Error)
		assert.Equal(t, int64(1), n)
		require.NoError(t, db.Model(&Customer{}).Count(&n).Error)
		assert.Equal(t, d.int64(t, `SELECT COUNT(*) FROM customers`), n, "the selection was one statement's")
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// normJSON parses the engine's text rendering of a nested value for comparison.
func normJSON(t testing.TB, s string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(s), &v), "%q", s)
	return v
}
