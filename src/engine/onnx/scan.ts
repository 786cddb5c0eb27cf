// Reads the structure of an ONNX ModelProto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) straight
// from the wire: opsets, and the main graph's nodes, inputs, outputs and initializer names. Tensor payloads
// (raw_data, float_data, external-data references) and subgraphs are stepped over by their length prefix, so
// the cost is one pass over the structure, not over the weights.
import { modelFileError } from './model-file-error';
import { OnnxFormatError, WireReader, WireType, type Span, type WireTypeCode } from './wire';

// Field numbers from onnx.proto.
const MODEL = { opsetImport: 8, graph: 7 } as const;
const OPSET = { domain: 1, version: 2 } as const;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12 } as const;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
const ATTRIBUTE = { name: 1, f: 2, i: 3, g: 6, ints: 8, graphs: 11, type: 20 } as const;
const TENSOR = { dims: 1, dataType: 2, name: 8, dataLocation: 14 } as const;
const VALUE_INFO = { name: 1 } as const;

export interface ScannedAttribute {
  readonly name: string;
  readonly i?: number;
  readonly f?: number;
  readonly ints?: readonly number[];
  /** The attribute holds a subgraph (If / Loop / Scan bodies). */
  readonly hasGraph: boolean;
}

export interface ScannedNode {
  /** Position in GraphProto.node, which ONNX requires to be a topological order. */
  readonly index: number;
  readonly name: string;
  readonly opType: string;
  /** '' for the default ONNX domain ('ai.onnx' is normalised to ''). */
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly ScannedAttribute[];
}

export interface ScannedInitializer {
  readonly name: string;
  readonly dataType: number;
  readonly dims: readonly number[];
  /** The whole TensorProto message inside the file, payload included. */
  readonly span: Span;
  /** Stored in a separate .onnx_data file (TensorProto.data_location = EXTERNAL). */
  readonly external: boolean;
}

export interface ScannedGraph {
  readonly nodes: readonly ScannedNode[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly initializers: readonly ScannedInitializer[];
}

export interface ScannedModel {
  /** Opset version per domain ('' = default ONNX domain). */
  readonly opsets: ReadonlyMap<string, number>;
  readonly graph: ScannedGraph;
  /** Where ModelProto.graph sits: its tag, its length varint, and its payload. */
  readonly graphField: { readonly tagStart: number; readonly lengthStart: number; readonly payload: Span };
}

const normaliseDomain = (domain: string): string => (domain === 'ai.onnx' ? '' : domain);

function readInts(r: WireReader, wireType: WireTypeCode, into: number[]): void {
  if (wireType === WireType.LEN) {
    const { start, end } = r.span();
    const packed = new WireReader(r.bytes, start, end);
    while (!packed.done) into.push(packed.int64());
  } else {
    into.push(r.int64());
  }
}

function scanAttribute(r: WireReader): ScannedAttribute {
  let name = '';
  let i: number | undefined;
  let f: number | undefined;
  let ints: number[] | undefined;
  let hasGraph = false;
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === ATTRIBUTE.name && wireType === WireType.LEN) name = r.string();
    else if (field === ATTRIBUTE.i && wireType === WireType.VARINT) i = r.int64();
    else if (field === ATTRIBUTE.f && wireType === WireType.I32) f = r.float32();
    else if (field === ATTRIBUTE.ints) readInts(r, wireType, (ints ??= []));
    else {
      if (field === ATTRIBUTE.g || field === ATTRIBUTE.graphs) hasGraph = true;
      r.skip(wireType);
    }
  }
  return { name, i, f, ints, hasGraph };
}

function scanNode(r: WireReader, index: number): ScannedNode {
  let name = '';
  let opType = '';
  let domain = '';
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attributes: ScannedAttribute[] = [];
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (wireType !== WireType.LEN) r.skip(wireType);
    else if (field === NODE.input) inputs.push(r.string());
    else if (field === NODE.output) outputs.push(r.string());
    else if (field === NODE.name) name = r.string();
    else if (field === NODE.opType) opType = r.string();
    else if (field === NODE.domain) domain = normaliseDomain(r.string());
    else if (field === NODE.attribute) {
      const { start, end } = r.span();
      attributes.push(scanAttribute(new WireReader(r.bytes, start, end)));
    } else r.skip(wireType);
  }
  return { index, name, opType, domain, inputs, outputs, attributes };
}

function scanInitializer(r: WireReader, span: Span): ScannedInitializer {
  let name = '';
  let dataType = 0;
  let external = false;
  const dims: number[] = [];
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === TENSOR.name && wireType === WireType.LEN) name = r.string();
    else if (field === TENSOR.dims) readInts(r, wireType, dims);
    else if (field === TENSOR.dataType && wireType === WireType.VARINT) dataType = r.varint();
    else if (field === TENSOR.dataLocation && wireType === WireType.VARINT) external = r.varint() === 1;
    else r.skip(wireType);
  }
  return { name, dataType, dims, span, external };
}

function valueInfoName(r: WireReader): string {
  let name = '';
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === VALUE_INFO.name && wireType === WireType.LEN) name = r.string();
    else r.skip(wireType);
  }
  return name;
}

/** Scans one GraphProto payload: the main graph, or a subgraph held by a node attribute (If branches). */
export function scanGraph(bytes: Uint8Array, payload: Span): ScannedGraph {
  const r = new WireReader(bytes, payload.start, payload.end);
  const nodes: ScannedNode[] = [];
  const inputs: string[] = [];
  const outputs: string[] = [];
  const initializers: ScannedInitializer[] = [];
  while (!r.done) {
    const { field, wireType } = r.tag();
    const wanted =
      wireType === WireType.LEN &&
      (field === GRAPH.node || field === GRAPH.initializer || field === GRAPH.input || field === GRAPH.output);
    if (!wanted) {
      r.skip(wireType);
      continue;
    }
    const span = r.span();
    const inner = new WireReader(bytes, span.start, span.end);
    if (field === GRAPH.node) nodes.push(scanNode(inner, nodes.length));
    else if (field === GRAPH.initializer) initializers.push(scanInitializer(inner, span));
    else if (field === GRAPH.input) inputs.push(valueInfoName(inner));
    else outputs.push(valueInfoName(inner));
  }
  return { nodes, inputs, outputs, initializers };
}

function scanOpset(r: WireReader): [string, number] {
  let domain = '';
  let version = 0;
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === OPSET.domain && wireType === WireType.LEN) domain = normaliseDomain(r.string());
    else if (field === OPSET.version && wireType === WireType.VARINT) version = r.varint();
    else r.skip(wireType);
  }
  return [domain, version];
}

/** Scans a serialized ModelProto; throws a 'bad-model-file' LensError (see inModelFile) when the bytes are not one. */
export function scanModel(bytes: Uint8Array): ScannedModel {
  try {
    const r = new WireReader(bytes);
    const opsets = new Map<string, number>();
    let graphField: ScannedModel['graphField'] | undefined;
    while (!r.done) {
      const tagStart = r.pos;
      const { field, wireType } = r.tag();
      if (field === MODEL.graph && wireType === WireType.LEN) {
        // A second graph field would be merged into the first by a protobuf parser; a splice cannot do that.
        if (graphField) throw modelFileError(`it holds ModelProto.graph twice, the second at byte ${tagStart}`);
        const lengthStart = r.pos;
        graphField = { tagStart, lengthStart, payload: r.span() };
      } else if (field === MODEL.opsetImport && wireType === WireType.LEN) {
        const { start, end } = r.span();
        const [domain, version] = scanOpset(new WireReader(bytes, start, end));
        opsets.set(domain, version);
      } else r.skip(wireType);
    }
    if (!graphField)
      throw modelFileError(
        `it has no graph in its ${bytes.length} bytes${looksLikeText(bytes) ? '; it is text, perhaps an HTML error page' : ''}`,
      );
    // Exporters write opset_import after the graph, so a file cut right after its graph has none.
    if (!opsets.has('')) throw modelFileError(`truncated at byte ${bytes.length}: it declares no ONNX opset`);
    return { opsets, graph: scanGraph(bytes, graphField.payload), graphField };
  } catch (error) {
    if (!(error instanceof OnnxFormatError)) throw error;
    if (error.endedAt === bytes.length) throw modelFileError(`truncated at byte ${bytes.length}`);
    throw modelFileError(`${looksLikeText(bytes) ? 'it is text, perhaps an HTML error page: ' : ''}${error.reason}`);
  }
}

/** An HTML page or JSON where a model should be: a static host's answer for a missing file, typically. */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  return head.startsWith('<') || head.startsWith('{');
}
