package codec

// DecodeChunk decodes one result batch: a Thrift TBinaryProtocol struct Chunk with no message
// envelope. Values land column-wise in the Vector slices; every vector is validated against its
// VectorType and must have Chunk.Size rows. Empty input, a Chunk without a size field and a
// Chunk with size <= 0 all mean end of results: the returned Chunk then has Size 0 and no
// vectors, and the error is nil. Whether there is one vector per metadata column is for the
// caller to check; extra vectors are kept. Bytes after the Chunk are ignored, as e6data's own
// client does, unless the Chunk has no vectors: then nothing shows that the input was a Chunk
// at all (any input starting with a zero byte would read as the end of results), so they are an
// error.
//
// The result never aliases b. The strings of one vector share a single private allocation
// (see readBinaryList); Vector.Value copies, so a value handed out never keeps it alive.
// Malformed input yields a *DecodeError wrapping ErrCorrupt, never a panic. Nothing is
// allocated for a count the input claims before the bytes of what it counts are there; the
// rows of constant and NULL vectors are the one claim bytes do not bound (see Limits, which
// DecodeChunkNoCopy takes).
func DecodeChunk(b []byte) (*Chunk, error) { return decodeChunk(b, false, nil, Limits{}) }

// DecodeChunkNoCopy is DecodeChunk for an input its caller hands over, into memory it may hand
// over too, for a reader that decodes batch after batch, within lim:
//   - the chunk's strings and byte slices view b instead of a copy of it, which saves a copy
//     and an allocation of the variable-length data per batch. b must never be modified
//     afterwards (values taken from the chunk with Vector.Value own their memory, so b is only
//     kept alive as long as the chunk);
//   - recycle, when not nil, is a chunk decoded earlier that the caller is done with: the new
//     chunk takes over its memory (its vectors' slices, where they have the room), so a stream
//     of batches of one shape allocates little beyond its input. recycle's contents must not be
//     used afterwards, whatever the outcome; the result may be recycle itself.
func DecodeChunkNoCopy(b []byte, recycle *Chunk, lim Limits) (*Chunk, error) {
	return decodeChunk(b, true, recycle, lim)
}

// Limits bound what a Chunk may claim beyond what its bytes prove. The bytes bound every list
// (each element takes at least one byte), and so the rows of a vector that holds a value per
// row; but a constant or NULL vector holds one value (or none) for any number of rows, so a
// batch of a few dozen bytes can claim 2^31-1 rows, and a caller that does work or allocates
// per row needs a bound of its own. The zero value bounds nothing.
type Limits struct {
	// MaxRows, when positive, is the most rows (Chunk.size) a batch may claim: more is a
	// *DecodeError wrapping ErrCorrupt and ErrLimit, reported as soon as the size is read.
	MaxRows int
	// MaxVectors, when positive, is how many vectors are decoded: the ones after them have no
	// column to fill, so they are checked as Thrift and skipped, without memory of their own.
	MaxVectors int
}

func decodeChunk(b []byte, shared bool, recycle *Chunk, lim Limits) (*Chunk, error) {
	if len(b) == 0 {
		return &Chunk{}, nil
	}
	r := &reader{b: b, shared: shared}
	if recycle != nil {
		r.old = recycle.Vectors
	}
	var size int32
	var vectors []Vector
	vecOff := 0
	for {
		off := r.pos
		t, id, err := r.fieldHeader()
		if err != nil {
			return nil, err
		}
		if t == tStop {
			break
		}
		switch {
		case id == 1 && t == tI32:
			n, ok := r.i32()
			if !ok {
				return nil, r.truncated("Chunk.size")
			}
			if lim.MaxRows > 0 && int64(n) > int64(lim.MaxRows) {
				return nil, &DecodeError{Part: "chunk", Offset: off, Err: ErrLimit,
					Reason: "Chunk.size claims " + itoa(int64(n)) + " rows, more than the " + itoa(int64(lim.MaxRows)) + " a batch may have"}
			}
			size = n
		case id == 2 && t == tList:
			vecOff = off
			if vectors, err = decodeVectors(r, lim.MaxVectors); err != nil {
				return nil, err
			}
		default:
			// Unknown field, or a known id with an unexpected type: skip it as Thrift does.
			if err := r.skip(t, 0); err != nil {
				return nil, err
			}
		}
	}
	if len(vectors) == 0 && r.remaining() > 0 {
		return nil, r.fail(r.pos, itoa(int64(r.remaining()))+" bytes after a Chunk without vectors")
	}
	if size <= 0 {
		return &Chunk{}, nil
	}
	for i := range vectors {
		if vectors[i].Size != int(size) {
			return nil, r.fail(vecOff, "vector "+itoa(int64(i))+" has "+itoa(int64(vectors[i].Size))+
				" rows, the chunk "+itoa(int64(size)))
		}
	}
	if recycle != nil {
		*recycle = Chunk{Size: int(size), Vectors: vectors}
		return recycle, nil
	}
	return &Chunk{Size: int(size), Vectors: vectors}, nil
}

// minVectorBytes is the least a Vector that can pass validation takes on the wire (its
// vectorType field and a STOP): a list claiming more vectors than fit is refused before
// anything is allocated for it.
const minVectorBytes = 8

// decodeVectors reads Chunk.vectors, decoding the first maxVectors of them (all when
// maxVectors <= 0) and skipping the rest.
func decodeVectors(r *reader, maxVectors int) ([]Vector, error) {
	n, err := r.list(tStruct, minVectorBytes)
	if err != nil {
		return nil, err
	}
	keep, reserve := n, n
	if maxVectors > 0 {
		keep, reserve = min(n, maxVectors), min(n, maxVectors)
	} else {
		// Without the caller's bound the count is only known to fit in the bytes, which may
		// hold anything (a Vector takes 34 times its least wire size in memory): the slice
		// grows with the vectors actually decoded.
		reserve = min(n, 16)
	}
	old := r.old
	var vs []Vector
	if cap(old) >= reserve {
		vs = old[:0] // vector i is taken as prev below before vs[i] is overwritten
	} else {
		vs = make([]Vector, 0, reserve)
	}
	for i := 0; i < keep; i++ {
		var prev Vector
		if i < len(old) {
			prev = old[i]
		}
		v, err := decodeVector(r, &prev)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	for i := keep; i < n; i++ {
		if err := r.skip(tStruct, 0); err != nil {
			return nil, err
		}
	}
	return vs, nil
}

// vecState is a Vector being decoded plus what was seen on the wire, for validation in finish.
type vecState struct {
	v         Vector
	prev      *Vector // a vector decoded earlier whose memory v may take over (see DecodeChunkNoCopy)
	off       int     // offset of the Vector struct, for error messages
	haveType  bool    // vectorType was present
	member    int16   // Data union member present, 0 if none
	memberOff int
	nullLen   int  // entries in nullSet, -1 if absent
	bytesText bool // varchar data went to v.Bytes; finish moves it to Strings for text types
}

func decodeVector(r *reader, prev *Vector) (Vector, error) {
	s := vecState{off: r.pos, nullLen: -1, prev: prev}
	// PrepareValues' memory is taken over empty: the values are not prepared yet.
	s.v.decText, s.v.decEnds = prev.decText[:0], prev.decEnds[:0]
	for {
		off := r.pos
		t, id, err := r.fieldHeader()
		if err != nil {
			return Vector{}, err
		}
		if t == tStop {
			break
		}
		switch {
		case id == 1 && t == tI32:
			n, ok := r.i32()
			if !ok {
				return Vector{}, r.truncated("Vector.size")
			}
			if n < 0 {
				return Vector{}, r.fail(off, "negative Vector.size "+itoa(int64(n)))
			}
			s.v.Size = int(n)
		case id == 2 && t == tI32:
			n, ok := r.i32()
			if !ok {
				return Vector{}, r.truncated("Vector.vectorType")
			}
			if !VectorType(n).Valid() {
				return Vector{}, r.fail(off, "unknown vectorType "+itoa(int64(n)))
			}
			s.v.Type, s.haveType = VectorType(n), true
		case id == 3 && t == tList:
			err = s.readNulls(r)
		case id == 4 && t == tStruct:
			err = s.readData(r)
		case id == 5 && t == tBool:
			c, ok := r.u8()
			if !ok {
				return Vector{}, r.truncated("Vector.isConstantVector")
			}
			s.v.Constant = c != 0
		default: // zoneOffset, format, unknown ids, unexpected types
			err = r.skip(t, 0)
		}
		if err != nil {
			return Vector{}, err
		}
	}
	if err := s.finish(r); err != nil {
		return Vector{}, err
	}
	return s.v, nil
}

// readNulls reads nullSet. An all-false set (the common case) is stored as nil: no
// allocation, and IsNull stays a nil check.
func (s *vecState) readNulls(r *reader) error {
	n, err := r.list(tBool, 1)
	if err != nil {
		return err
	}
	src := r.b[r.pos : r.pos+n]
	r.pos += n
	s.nullLen = n
	s.v.Nulls = nil
	for _, c := range src {
		if c != 0 {
			s.v.Nulls = decodeBools(src, s.prev.Nulls)
			break
		}
	}
	return nil
}

// readData reads the Data union: exactly one member struct.
func (s *vecState) readData(r *reader) error {
	if s.haveType && s.v.Type == Null {
		return r.skip(tStruct, 0) // data of a NULL vector is ignored
	}
	for {
		off := r.pos
		t, id, err := r.fieldHeader()
		if err != nil {
			return err
		}
		if t == tStop {
			return nil
		}
		if t != tStruct || id < 1 || id > 18 {
			if err := r.skip(t, 0); err != nil {
				return err
			}
			continue
		}
		if s.member != 0 {
			return r.fail(off, "Data union has more than one member")
		}
		s.member, s.memberOff = id, off
		if err := s.readMember(r, id); err != nil {
			return err
		}
	}
}
