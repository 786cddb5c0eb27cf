// Protocol-buffer wire format (https://protobuf.dev/programming-guides/encoding/), just enough to walk an ONNX
// model without a schema library: tags, varints, length-delimited spans. Reading never copies: a
// length-delimited field is returned as a [start, end) range of the caller's buffer, so a multi-gigabyte
// initializer costs one varint read to step over.
import { LensError } from '../../protocol/errors';
import { modelFileError } from './model-file-error';

export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;
export type WireTypeCode = (typeof WireType)[keyof typeof WireType];

/**
 * Bytes that do not decode as the protobuf an ONNX file is: a 'bad-model-file' LensError that keeps the bare reason
 * for the scanner's diagnosis. `endedAt`: where the bytes (or the enclosing message) ended before the field did; at
 * the file's end, the file is cut short.
 */
export class OnnxFormatError extends LensError {
  constructor(
    readonly reason: string,
    readonly endedAt?: number,
  ) {
    const { message, details } = modelFileError(reason);
    super('bad-model-file', message, details);
  }
}

// What a splice writes comes from the engine, not from the file, so a value protobuf cannot hold is a bug here.
function unencodable(value: number, as: string): LensError {
  return new LensError(
    'internal',
    `Cannot encode ${value} as ${as} while adding the attention taps to the model; please report this with the model's name.`,
  );
}

export interface Span {
  readonly start: number;
  readonly end: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A cursor over bytes[start, end). */
export class WireReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a number; exact up to 2^53, which covers every length and count in a model file. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end)
        throw new OnnxFormatError(`varint runs past the end of its message at byte ${this.pos}`, this.end);
      const byte = this.bytes[this.pos++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new OnnxFormatError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** A varint reinterpreted as a two's-complement int64 (negative ONNX ints such as axis = -1). */
  int64(): number {
    const start = this.pos;
    const unsigned = this.varint();
    if (this.pos - start < 10) return unsigned;
    // Ten bytes means the sign bit is set; doubles cannot hold value + 2^64, so redo it in BigInt.
    let bits = 0n;
    for (let i = 9; i >= 0; i--) bits = (bits << 7n) | BigInt(this.bytes[start + i]! & 0x7f);
    return Number(BigInt.asIntN(64, bits));
  }

  /** Reads a tag; returns field number and wire type. */
  tag(): { field: number; wireType: WireTypeCode } {
    const key = this.varint();
    const wireType = (key % 8) as WireTypeCode;
    const field = Math.floor(key / 8);
    if (field === 0 || wireType > 5) throw new OnnxFormatError(`invalid tag ${key} at byte ${this.pos}`);
    return { field, wireType };
  }

  /** A length-delimited field's payload range; the cursor moves past it. */
  span(): Span {
    const length = this.varint();
    const start = this.pos;
    const end = start + length;
    if (end > this.end)
      throw new OnnxFormatError(
        `a field of ${length} bytes at byte ${start} runs past the end of its message (${this.end})`,
        this.end,
      );
    this.pos = end;
    return { start, end };
  }

  string(): string {
    const { start, end } = this.span();
    try {
      return utf8.decode(this.bytes.subarray(start, end));
    } catch {
      // TextDecoder reports bad UTF-8 as a TypeError; names and op types in ONNX are UTF-8 by the spec.
      throw new OnnxFormatError(`the text at bytes ${start}..${end} is not valid UTF-8`);
    }
  }

  float32(): number {
    if (this.pos + 4 > this.end)
      throw new OnnxFormatError(`fixed32 runs past the end of its message at byte ${this.pos}`, this.end);
    const value = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return value;
  }

  /** Steps over a field's value without looking at it. */
  skip(wireType: WireTypeCode): void {
    switch (wireType) {
      case WireType.VARINT:
        this.varint();
        return;
      case WireType.I64:
        this.pos += 8;
        break;
      case WireType.LEN:
        this.span();
        return;
      case WireType.I32:
        this.pos += 4;
        break;
      default:
        throw new OnnxFormatError(`groups (wire type ${wireType}) do not occur in ONNX files; byte ${this.pos}`);
    }
    if (this.pos > this.end)
      throw new OnnxFormatError(`a fixed-width field runs past the end of its message (${this.end})`, this.end);
  }
}

/** Bytes a varint of this non-negative value takes. */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Writes value as a varint at out[at..]; returns the position after it. */
export function putVarint(out: Uint8Array, at: number, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw unencodable(value, 'an unsigned varint');
  while (value >= 128) {
    out[at++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

const utf8Encoder = new TextEncoder();

/** An append-only encoder: the messages a splice adds (nodes, value infos), and graphs rewritten field by field. */
export class WireWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  varint(value: number): this {
    this.reserve(10);
    this.length = putVarint(this.buffer, this.length, value);
    return this;
  }

  /** A signed int64 varint (ten bytes when negative, as protobuf encodes int64). */
  int64(value: number): this {
    if (value >= 0) return this.varint(value);
    if (!Number.isSafeInteger(value)) throw unencodable(value, 'an int64');
    this.reserve(10);
    let rest = BigInt.asUintN(64, BigInt(value));
    for (let i = 0; i < 9; i++) {
      this.buffer[this.length++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.buffer[this.length++] = Number(rest);
    return this;
  }

  tag(field: number, wireType: WireTypeCode): this {
    return this.varint(field * 8 + wireType);
  }

  varintField(field: number, value: number): this {
    return this.tag(field, WireType.VARINT).int64(value);
  }

  bytesField(field: number, bytes: Uint8Array): this {
    return this.tag(field, WireType.LEN).varint(bytes.length).raw(bytes);
  }

  /** Bytes already encoded (whole fields copied from another message). */
  raw(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  stringField(field: number, value: string): this {
    return this.bytesField(field, utf8Encoder.encode(value));
  }

  floatField(field: number, value: number): this {
    this.tag(field, WireType.I32);
    this.reserve(4);
    new DataView(this.buffer.buffer, this.length, 4).setFloat32(0, value, true);
    this.length += 4;
    return this;
  }

  /** A nested message written by `write` into a fresh writer. */
  messageField(field: number, write: (inner: WireWriter) => void): this {
    const inner = new WireWriter();
    write(inner);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
