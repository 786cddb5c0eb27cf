import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { LensError } from '../../../src/protocol/errors';
import {
  OnnxFormatError,
  putVarint,
  varintSize,
  WireReader,
  WireType,
  WireWriter,
} from '../../../src/engine/onnx/wire';

describe('varints', () => {
  it('encodes the protobuf spec examples', () => {
    // https://protobuf.dev/programming-guides/encoding/: 1 → 01, 150 → 96 01.
    expect(new WireWriter().varint(1).finish()).toEqual(Uint8Array.of(0x01));
    expect(new WireWriter().varint(150).finish()).toEqual(Uint8Array.of(0x96, 0x01));
    expect(new WireReader(Uint8Array.of(0x96, 0x01)).varint()).toBe(150);
  });

  it('round-trips lengths beyond 32 bits and agrees with protobufjs', () => {
    for (const value of [0, 127, 128, 16383, 16384, 2 ** 31, 2 ** 32 + 5, 6_000_000_000, 2 ** 53 - 1]) {
      const ours = new WireWriter().varint(value).finish();
      const theirs = Uint8Array.from(protobuf.Writer.create().uint64(value).finish());
      expect(ours).toEqual(theirs);
      expect(ours.length).toBe(varintSize(value));
      expect(new WireReader(ours).varint()).toBe(value);
      const buffer = new Uint8Array(10);
      expect(putVarint(buffer, 0, value)).toBe(ours.length);
    }
  });

  it('reads and writes negative int64 as ten-byte two’s complement, like protobufjs', () => {
    for (const value of [-1, -2, -3, -(2 ** 40)]) {
      const theirs = Uint8Array.from(protobuf.Writer.create().int64(value).finish());
      expect(theirs.length).toBe(10);
      expect(new WireWriter().int64(value).finish()).toEqual(theirs);
      expect(new WireReader(theirs).int64()).toBe(value);
    }
  });

  it('refuses truncated varints and fields that overrun their message', () => {
    expect(() => new WireReader(Uint8Array.of(0x96)).varint()).toThrow(/past the end/);
    const r = new WireReader(Uint8Array.of(0x0a, 0x05, 1, 2));
    r.tag();
    expect(() => r.span()).toThrow(/runs past the end/);
  });

  it('a format error is a bad-model-file LensError that keeps the bare reason and where the bytes ended', () => {
    let thrown: unknown;
    try {
      new WireReader(Uint8Array.of(0x96)).varint();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OnnxFormatError);
    expect(thrown).toBeInstanceOf(LensError);
    expect(thrown).toMatchObject({
      code: 'bad-model-file',
      reason: 'varint runs past the end of its message at byte 1',
      endedAt: 1,
      message:
        'The model file is not a valid ONNX file (varint runs past the end of its message at byte 1). Download it again, or re-export the model.',
    });
  });

  it('a value protobuf cannot hold is an internal error of the splice, not a damaged file', () => {
    expect(() => putVarint(new Uint8Array(10), 0, -1)).toThrow(
      expect.objectContaining({
        code: 'internal',
        message: expect.stringMatching(/^Cannot encode -1 as an unsigned varint/),
      }),
    );
    expect(() => new WireWriter().int64(-(2 ** 60))).toThrow(expect.objectContaining({ code: 'internal' }));
  });
});

describe('fields', () => {
  it('writes messages protobufjs decodes, and reads what protobufjs writes', () => {
    const Type = protobuf.Type.fromJSON('T', {
      fields: {
        name: { id: 1, type: 'string' },
        i: { id: 3, type: 'int64' },
        f: { id: 2, type: 'float' },
        inner: { id: 5, type: 'bytes' },
      },
    });
    const ours = new WireWriter()
      .stringField(1, 'axis')
      .varintField(3, -1)
      .floatField(2, 0.5)
      .bytesField(5, Uint8Array.of(9, 8))
      .finish();
    const decoded = Type.toObject(Type.decode(ours), { longs: Number, bytes: Array }) as Record<string, unknown>;
    expect(decoded).toEqual({ name: 'axis', i: -1, f: 0.5, inner: [9, 8] });

    const theirs = Type.encode(Type.fromObject({ name: 'é', i: 42, f: 1.25, inner: [1, 2, 3] })).finish();
    const r = new WireReader(theirs);
    const seen: Record<number, unknown> = {};
    while (!r.done) {
      const { field, wireType } = r.tag();
      if (field === 1) seen[1] = r.string();
      else if (field === 3) seen[3] = r.int64();
      else if (field === 2) seen[2] = r.float32();
      else if (wireType === WireType.LEN) seen[field] = r.span();
    }
    expect(seen[1]).toBe('é');
    expect(seen[3]).toBe(42);
    expect(seen[2]).toBe(1.25);
    const span = seen[5] as { start: number; end: number };
    expect([...theirs.subarray(span.start, span.end)]).toEqual([1, 2, 3]);
  });
});
