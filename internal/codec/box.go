package codec

import (
	"math"
	"time"
	"unsafe"
)

// Handing a string or byte slice to database/sql as a driver value normally takes two
// allocations: the copy of the bytes (values must own their memory, see Vector.Value) and the
// interface box holding the string or slice header. The functions here make it one: the header
// and the bytes share a single allocation, the header first, and the interface points at the
// header. The allocation holds no pointers the collector must trace (it is a []byte): the only
// pointer in it is the header's, which points into the same allocation, and every reference to
// the value (the interface, or a string or slice copied out of it) points into that allocation
// and so keeps all of it alive.

// eface is the layout of an empty interface: its dynamic type and a pointer to its value.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

var (
	stringType = typeOf("")
	bytesType  = typeOf([]byte(nil))
)

// typeOf returns the dynamic-type word of v.
func typeOf(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

const (
	stringHeader = unsafe.Sizeof("")
	sliceHeader  = unsafe.Sizeof([]byte(nil))
)

// boxString returns a copy of b in an interface: one allocation.
func boxString(b string) any {
	if len(b) == 0 {
		return "" // boxing the empty string does not allocate
	}
	mem := make([]byte, int(stringHeader)+len(b))
	copy(mem[stringHeader:], b)
	h := (*string)(unsafe.Pointer(&mem[0]))
	*h = unsafe.String(&mem[stringHeader], len(b))
	return *(*any)(unsafe.Pointer(&eface{typ: stringType, data: unsafe.Pointer(h)}))
}

// boxBytes returns a copy of b in an interface: one allocation. The copy is never nil, also
// when b is empty, so that a non-NULL empty value does not read as NULL.
func boxBytes(b []byte) any {
	if len(b) == 0 {
		return []byte{}
	}
	mem := make([]byte, int(sliceHeader)+len(b))
	copy(mem[sliceHeader:], b)
	h := (*[]byte)(unsafe.Pointer(&mem[0]))
	*h = mem[sliceHeader:len(mem):len(mem)]
	return *(*any)(unsafe.Pointer(&eface{typ: bytesType, data: unsafe.Pointer(h)}))
}

// Slab sizes of Boxes: one allocation serves that many values, and a value a caller keeps
// keeps at most its slab alive (256 bytes of words, 384 of times; Go's own box of an int64
// takes 8 to 16). Larger slabs would save little more: the allocation is already amortised.
const (
	wordSlab = 32
	timeSlab = 16
)

var (
	int64Type   = typeOf(int64(0))
	float64Type = typeOf(float64(0))
	timeType    = typeOf(time.Time{})
)

// Boxes boxes fixed-size values (INTEGER, LONG, FLOAT, DOUBLE and the time types) for one
// reader of results, cutting the allocation per value to one per slab of values: Go allocates
// a box for every int64, float64 or time.Time put in an interface, and database/sql takes
// every value as an interface. Each slot of a slab is written once, before its value is
// handed out, and never again, so values stay immutable and own their memory (a slab is not
// part of any result batch). A Boxes is not safe for concurrent use; its zero value is ready.
type Boxes struct {
	words []uint64
	times []time.Time
}

func (b *Boxes) word(typ unsafe.Pointer, w uint64) any {
	if len(b.words) == 0 {
		b.words = make([]uint64, wordSlab)
	}
	p := &b.words[0]
	b.words = b.words[1:]
	*p = w
	return *(*any)(unsafe.Pointer(&eface{typ: typ, data: unsafe.Pointer(p)}))
}

func (b *Boxes) int64(x int64) any {
	if b == nil {
		return x
	}
	return b.word(int64Type, uint64(x))
}

func (b *Boxes) float64(x float64) any {
	if b == nil {
		return x
	}
	return b.word(float64Type, math.Float64bits(x))
}

func (b *Boxes) time(t time.Time) any {
	if b == nil {
		return t
	}
	if len(b.times) == 0 {
		b.times = make([]time.Time, timeSlab)
	}
	p := &b.times[0]
	b.times = b.times[1:]
	*p = t
	return *(*any)(unsafe.Pointer(&eface{typ: timeType, data: unsafe.Pointer(p)}))
}
