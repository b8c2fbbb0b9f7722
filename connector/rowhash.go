package connector

import (
	"hash/maphash"
	"math"
	"math/bits"

	"github.com/e6data/gorm-e6data/internal/codec"
)

// Replay after a deployment cut a query needs to prove that a re-run returns the rows the caller
// already has. Rows are hashed column-wise as batches arrive (in the prefetch goroutine, off the
// reader's path); the reader folds the hashes of the rows it handed out into a running checksum
// (fold), a batch at a time.
//
// The checksum guards against a re-run that returns other rows (a result that is not
// deterministic), not against an adversary: a row's hash is a cheap multiply-rotate combination
// of its values' hashes (about a nanosecond per cell, where hashing dominated the driver's CPU
// profile with a full mixer per cell), while the fold over rows mixes fully.

// rowHashes returns one 64-bit hash per row of ch over the first ncols columns, in dst's memory
// when it has room. A value's hash
// covers its vector type, so values of different types that are stored alike (INTEGER and LONG,
// STRING and ARRAY) hash differently; equal values hash equal whatever the batch layout
// (constant or not, batch boundaries).
func rowHashes(dst []uint64, ch *codec.Chunk, ncols int, seed maphash.Seed) []uint64 {
	hs := dst[:0]
	if cap(hs) < ch.Size {
		hs = make([]uint64, ch.Size)
	}
	hs = hs[:ch.Size]
	clear(hs)
	for c := range ncols {
		hashColumn(hs, &ch.Vectors[c], seed)
	}
	return hs
}

// Hash constants: cellMul is the golden-ratio multiplier, nullHash a NULL's hash in any column.
const (
	cellMul  = 0x9e3779b97f4a7c15
	nullHash = 0x6a09e667f3bcc908
)

// step adds a cell's hash h to its row's hash acc.
func step(acc, h uint64) uint64 { return (bits.RotateLeft64(acc, 27) ^ h) * cellMul }

// hashColumn steps every row's hash in hs with its value in v. The loops per type are the fast
// path for vectors as DecodeChunk builds them; a vector whose slices are shorter than its rows
// (built by hand) takes valueHash per row, which gives the same hashes.
func hashColumn(hs []uint64, v *codec.Vector, seed maphash.Seed) {
	n := len(hs)
	tag := mix(uint64(v.Type))
	if v.Type == codec.Null || v.Constant || (v.Nulls != nil && len(v.Nulls) < n) {
		hashSlow(hs, v, tag, seed)
		return
	}
	nulls := v.Nulls
	switch v.Type {
	case codec.Boolean:
		if len(v.Bools) < n {
			break
		}
		for r, b := range v.Bools[:n] {
			h := uint64(2)
			if b {
				h = 1
			}
			hs[r] = step(hs[r], cell(nulls, r, h^tag))
		}
		return
	case codec.Double, codec.Float:
		if len(v.Float64s) < n {
			break
		}
		for r, f := range v.Float64s[:n] {
			hs[r] = step(hs[r], cell(nulls, r, math.Float64bits(f)*cellMul^tag))
		}
		return
	case codec.String, codec.Array, codec.Map, codec.Struct:
		if len(v.Strings) < n {
			break
		}
		for r, s := range v.Strings[:n] {
			h := uint64(nullHash)
			if nulls == nil || !nulls[r] {
				h = maphash.String(seed, s) ^ tag
			}
			hs[r] = step(hs[r], h)
		}
		return
	case codec.Binary, codec.Decimal128, codec.TimestampTZ:
		// Rarer types: per value.
	default: // the int64-backed types
		if len(v.Int64s) < n {
			break
		}
		for r, x := range v.Int64s[:n] {
			hs[r] = step(hs[r], cell(nulls, r, uint64(x)*cellMul^tag))
		}
		return
	}
	hashSlow(hs, v, tag, seed)
}

// cell returns h, or nullHash when row r is NULL. NULL stays NULL whatever the vector type: a
// batch may send an all-NULL column with a type of its own.
func cell(nulls []bool, r int, h uint64) uint64 {
	if nulls != nil && nulls[r] {
		return nullHash
	}
	return h
}

// hashSlow is hashColumn one value at a time.
func hashSlow(hs []uint64, v *codec.Vector, tag uint64, seed maphash.Seed) {
	for r := range hs {
		h, ok := valueHash(v, r, seed)
		if ok {
			h ^= tag
		}
		hs[r] = step(hs[r], h)
	}
}

// valueHash hashes row r of v, before the type tag; for NULL (and for a value missing from a
// vector built by hand) it returns nullHash and false.
func valueHash(v *codec.Vector, r int, seed maphash.Seed) (uint64, bool) {
	if v.IsNull(r) {
		return nullHash, false
	}
	i := r
	if v.Constant {
		i = 0
	}
	switch v.Type {
	case codec.Boolean:
		if i >= len(v.Bools) {
			break
		}
		if v.Bools[i] {
			return 1, true
		}
		return 2, true
	case codec.Double, codec.Float:
		if i < len(v.Float64s) {
			return math.Float64bits(v.Float64s[i]) * cellMul, true
		}
	case codec.String, codec.Array, codec.Map, codec.Struct:
		if i < len(v.Strings) {
			return maphash.String(seed, v.Strings[i]), true
		}
	case codec.Binary:
		if i < len(v.Bytes) {
			return maphash.Bytes(seed, v.Bytes[i]), true
		}
	case codec.Decimal128:
		if i < len(v.Bytes) {
			return mix(maphash.Bytes(seed, minimalTwos(v.Bytes[i])) ^ uint64(v.Scale)), true
		}
	case codec.TimestampTZ:
		if i >= len(v.Int64s) {
			break
		}
		h := uint64(v.Int64s[i]) * cellMul
		if i < len(v.Zones) {
			h ^= maphash.String(seed, v.Zones[i])
		}
		return h, true
	default:
		if i < len(v.Int64s) {
			return uint64(v.Int64s[i]) * cellMul, true
		}
	}
	return nullHash, false
}

// minimalTwos drops the redundant sign-extension bytes of a big-endian two's complement number,
// so that a value hashes alike whether a batch sends it in 16 bytes or fewer.
func minimalTwos(b []byte) []byte {
	for len(b) > 1 && (b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0) {
		b = b[1:]
	}
	return b
}

// fold adds the hashes of the rows handed out, in order, to the running checksum sum.
func fold(sum uint64, hashes []uint64) uint64 {
	for _, h := range hashes {
		sum = mix(sum ^ h)
	}
	return sum
}

// mix is splitmix64's finaliser: a cheap, well-distributed 64-bit mixer.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
