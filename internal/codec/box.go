package codec

import "unsafe"

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
