module github.com/e6data/gorm-e6data/internal/codec/thriftcompare

go 1.26.0

require github.com/e6data/gorm-e6data v0.0.0

require github.com/apache/thrift v0.17.0

replace github.com/e6data/gorm-e6data => ../../..
