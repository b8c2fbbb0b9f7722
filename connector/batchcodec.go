package connector

import (
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/e6data/gorm-e6data/internal/e6pb"
)

// A result batch arrives as the bytes field of a GetNextResultBatchResponse. gRPC's proto codec
// first gathers the message's frames into one buffer, then protobuf copies the field out of it
// (it never lets a bytes field view its input), and the decoder copied the strings once more:
// three copies of every batch. batchCodec decodes that one response itself, so the field views
// the gathered buffer, which nothing else references, and codec.DecodeChunkNoCopy lets the
// decoded strings view it too: one copy. While a result streams, the buffer of a batch the
// reader is done with gathers a later one (rows.recycle), so a long scan stops allocating
// message memory. Every other message goes through gRPC's proto codec.

// batchCodec is the codec of getNextResultBatch calls (see batchCall).
type batchCodec struct {
	proto encoding.CodecV2
	// into, when not nil, is the memory of a message the caller is done with: the response is
	// gathered there when it has the room, and *into is set to the memory it was gathered in.
	into *[]byte
}

// protoCodec is gRPC's own codec, which batchCodec hands every other message to.
var protoCodec = encoding.GetCodecV2("proto")

// batchCall is the call option that makes a getNextResultBatch call use batchCodec.
var batchCall = grpc.ForceCodecV2(batchCodec{proto: protoCodec})

// batchCallInto is batchCall gathering the response in *into's memory, when it has the room
// (see batchCodec.into).
func batchCallInto(into *[]byte) grpc.CallOption {
	return grpc.ForceCodecV2(batchCodec{proto: protoCodec, into: into})
}

// Name is empty so that the call's content type stays "application/grpc", exactly what the
// default codec sends: gRPC takes a forced codec's name as the content subtype, and a server
// or proxy need not accept "application/grpc+proto".
func (batchCodec) Name() string { return "" }

func (c batchCodec) Marshal(v any) (mem.BufferSlice, error) { return c.proto.Marshal(v) }

func (c batchCodec) Unmarshal(data mem.BufferSlice, v any) error {
	m, ok := v.(*e6pb.GetNextResultBatchResponse)
	if !ok {
		return c.proto.Unmarshal(data, v)
	}
	var buf []byte // ours alone: a new slice, or the memory of a message the caller is done with
	if n := data.Len(); c.into != nil && cap(*c.into) >= n {
		buf = (*c.into)[:n]
		data.CopyTo(buf)
	} else {
		buf = data.Materialize()
	}
	if c.into != nil {
		*c.into = buf
	}
	if unmarshalBatch(buf, m) {
		return nil
	}
	// A field this fast path does not know, or a malformed message: protobuf decides.
	return proto.Unmarshal(buf, m)
}

// unmarshalBatch decodes buf into m with ResultBatch viewing buf, and reports whether it could:
// false for anything but the three known fields in their wire types with valid UTF-8 strings,
// which is left to proto.Unmarshal (unknown fields, errors).
func unmarshalBatch(buf []byte, m *e6pb.GetNextResultBatchResponse) bool {
	m.Reset()
	for len(buf) > 0 {
		num, typ, n := protowire.ConsumeTag(buf)
		if n < 0 || typ != protowire.BytesType {
			return false
		}
		buf = buf[n:]
		v, n := protowire.ConsumeBytes(buf)
		if n < 0 {
			return false
		}
		buf = buf[n:]
		switch num {
		case 2: // resultBatch
			m.ResultBatch = nil // as protobuf leaves an empty bytes field
			if len(v) > 0 {
				m.ResultBatch = v[:len(v):len(v)]
			}
		case 3: // sessionId
			if !utf8.Valid(v) {
				return false
			}
			m.SessionId = string(v)
		case 4: // new_strategy
			if !utf8.Valid(v) {
				return false
			}
			s := string(v)
			m.NewStrategy = &s
		default:
			return false
		}
	}
	return true
}
