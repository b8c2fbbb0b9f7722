package main

import (
	"time"

	"github.com/e6data/gorm-e6data/connector"
)

// The demo dataset's tables (the mock's retail schema) as GORM models. Only the columns the
// workload reads are mapped; GORM ignores the others in a SELECT *.

// Customer is a row of customers (2,000 rows).
type Customer struct {
	ID            int64
	Name          string
	Email         *string
	Country       *string
	IsActive      *bool
	LoyaltyPoints *int32
	Orders        []Order `gorm:"foreignKey:CustomerID"`
}

// Product is a row of products (500 rows).
type Product struct {
	ID       int64
	Sku      string
	Name     string
	Category *string
	Price    connector.NullDecimal // DECIMAL(10,2)
}

// Order is a row of orders (100,000 rows).
type Order struct {
	ID         int64
	CustomerID *int64
	ProductID  *int64
	Quantity   *int32
	Total      connector.NullDecimal // DECIMAL(12,2)
	Status     *string
	OrderedAt  *time.Time
	Product    *Product `gorm:"foreignKey:ProductID"`
}
