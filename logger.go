package e6data

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm/logger"

	"github.com/e6data/gorm-e6data/connector"
)

// queryInfoLogger is GORM's logger with the driver's QueryInfo added to each trace line, as a
// comment after the SQL (the SQL sent carries no comment):
//
//	SELECT * FROM "orders" WHERE "id" = 1 /* e6data query_id=… colour=blue attempts=2 first_row=3.1ms */
type queryInfoLogger struct {
	logger.Interface
}

// withQueryInfoTrace wraps l, once.
func withQueryInfoTrace(l logger.Interface) logger.Interface {
	if l == nil {
		l = logger.Default
	}
	if _, ok := l.(queryInfoLogger); ok {
		return l
	}
	return queryInfoLogger{l}
}

// LogMode keeps the wrapping when GORM changes the level (db.Debug()).
func (l queryInfoLogger) LogMode(level logger.LogLevel) logger.Interface {
	return withQueryInfoTrace(l.Interface.LogMode(level))
}

// Trace adds the query's info to the line the wrapped logger writes.
func (l queryInfoLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	info, _ := ctx.Value(queryInfoKey{}).(*connector.QueryInfo)
	if info == nil || info.QueryID == "" {
		l.Interface.Trace(ctx, begin, fc, err)
		return
	}
	l.Interface.Trace(ctx, begin, func() (string, int64) {
		sql, rows := fc()
		return sql + " " + describeQueryInfo(info), rows
	}, err)
}

// ParamsFilter passes GORM's parameter filter on to the wrapped logger, if it has one.
func (l queryInfoLogger) ParamsFilter(ctx context.Context, sql string, params ...any) (string, []any) {
	if f, ok := l.Interface.(interface {
		ParamsFilter(context.Context, string, ...any) (string, []any)
	}); ok {
		return f.ParamsFilter(ctx, sql, params...)
	}
	return sql, params
}

// describeQueryInfo renders info as a SQL comment.
func describeQueryInfo(info *connector.QueryInfo) string {
	var b strings.Builder
	b.WriteString("/* e6data query_id=")
	b.WriteString(strings.ReplaceAll(info.QueryID, "*/", "* /"))
	if info.Strategy != "" {
		b.WriteString(" colour=" + info.Strategy)
	}
	b.WriteString(" attempts=" + strconv.Itoa(info.Attempts))
	if info.Replays > 0 {
		b.WriteString(" replays=" + strconv.Itoa(info.Replays) + " replayed_rows=" + strconv.FormatInt(info.ReplayedRows, 10))
	}
	if info.TimeToFirstRow > 0 {
		b.WriteString(" first_row=" + info.TimeToFirstRow.Round(10*time.Microsecond).String())
	}
	b.WriteString(" */")
	return b.String()
}
