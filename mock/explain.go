package mock

import (
	"context"
	"fmt"
	"strings"

	"github.com/e6data/gorm-e6data/mock/internal/engine"
)

// explain renders the plan of q as the engine would run it: SQLite's query plan of the
// translated statement, one step per line, indented by depth.
func (s *Server) explain(ctx context.Context, q *query) (string, error) {
	if q.script != nil {
		return fmt.Sprintf("mock plan for query %s\n  scripted result (no SQLite)\n", q.id), nil
	}
	stmt, err := s.engine.Prepare(ctx, q.catalog, q.schema, "EXPLAIN QUERY PLAN "+q.sql)
	if err != nil {
		return "", err
	}
	cur, err := stmt.RunWith(ctx, engine.RunOptions{PeekRows: 1})
	if err != nil {
		return "", err
	}
	defer cur.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "mock plan (SQLite) for query %s\n", q.id)
	depth := map[int64]int{}
	for {
		ch, err := cur.Next(ctx, 1024)
		if err != nil {
			return "", err
		}
		if ch == nil || ch.Size == 0 {
			return b.String(), nil
		}
		// Columns: id, parent, notused, detail.
		for r := range ch.Size {
			id, _ := ch.Vectors[0].Value(r).(int64)
			parent, _ := ch.Vectors[1].Value(r).(int64)
			detail, _ := ch.Vectors[3].Value(r).(string)
			depth[id] = depth[parent] + 1
			fmt.Fprintf(&b, "%s%s\n", strings.Repeat("  ", depth[id]), detail)
		}
	}
}
