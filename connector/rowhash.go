package connector

import (
	"hash/maphash"
	"math"

	"github.com/e6data/gorm-e6data/internal/codec"
)

// Replay after a deployment cut a query needs to prove that a re-run returns the rows the caller
// already has. Rows are hashed column-wise as batches arrive (in the prefetch goroutine, off the
// reader's path); the reader folds the hashes of the rows it hands out into a running checksum.

// rowHashes returns one 64-bit hash per row of ch over the first ncols columns. A value's hash
// covers its vector type, so values of different types that are stored alike (INTEGER and LONG,
// STRING and ARRAY) hash differently.
func rowHashes(ch *codec.Chunk, ncols int, seed maphash.Seed) []uint64 {
	hs := make([]uint64, ch.Size)
	for c := range ncols {
		v := &ch.Vectors[c]
		tag := mix(uint64(v.Type))
		for r := range hs {
			h := valueHash(v, r, seed)
			if h != nullHash {
				// NULL stays NULL whatever the vector type: a batch may send an all-NULL column
				// with a type of its own.
				h ^= tag
			}
			hs[r] = mix(hs[r] ^ h)
		}
	}
	return hs
}

const nullHash = 0x6a09e667f3bcc908

// valueHash hashes row r of v; equal values hash equal whatever the batch layout (constant or
// not, batch boundaries).
func valueHash(v *codec.Vector, r int, seed maphash.Seed) uint64 {
	if v.IsNull(r) {
		return nullHash
	}
	i := r
	if v.Constant {
		i = 0
	}
	switch v.Type {
	case codec.Boolean:
		if v.Bools[i] {
			return 1
		}
		return 2
	case codec.Double, codec.Float:
		return mix(math.Float64bits(v.Float64s[i]))
	case codec.String, codec.Array, codec.Map, codec.Struct:
		return maphash.String(seed, v.Strings[i])
	case codec.Binary:
		return maphash.Bytes(seed, v.Bytes[i])
	case codec.Decimal128:
		return mix(maphash.Bytes(seed, v.Bytes[i]) ^ uint64(v.Scale))
	case codec.TimestampTZ:
		h := mix(uint64(v.Int64s[i]))
		if v.Zones != nil {
			h ^= maphash.String(seed, v.Zones[i])
		}
		return h
	default:
		if i < len(v.Int64s) {
			return mix(uint64(v.Int64s[i]))
		}
		return nullHash
	}
}

// mix is splitmix64's finaliser: a cheap, well-distributed 64-bit mixer.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
