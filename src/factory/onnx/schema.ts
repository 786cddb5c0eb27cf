// The subset of onnx.proto (ONNX IR, https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) this factory
// writes and reads, as a protobufjs reflection tree. Field numbers are the wire contract; names follow the spec.
import protobuf from 'protobufjs';

const f = (id: number, type: string, rule?: 'repeated') => (rule ? { id, type, rule } : { id, type });

const onnx = {
  nested: {
    TensorProto: {
      fields: {
        dims: f(1, 'int64', 'repeated'),
        data_type: f(2, 'int32'),
        float_data: f(4, 'float', 'repeated'),
        int32_data: f(5, 'int32', 'repeated'),
        int64_data: f(7, 'int64', 'repeated'),
        name: f(8, 'string'),
        raw_data: f(9, 'bytes'),
        external_data: f(13, 'StringStringEntryProto', 'repeated'),
        data_location: f(14, 'int32'),
      },
    },
    StringStringEntryProto: { fields: { key: f(1, 'string'), value: f(2, 'string') } },
    AttributeProto: {
      fields: {
        name: f(1, 'string'),
        f: f(2, 'float'),
        i: f(3, 'int64'),
        s: f(4, 'bytes'),
        t: f(5, 'TensorProto'),
        g: f(6, 'GraphProto'),
        floats: f(7, 'float', 'repeated'),
        ints: f(8, 'int64', 'repeated'),
        type: f(20, 'int32'),
      },
    },
    NodeProto: {
      fields: {
        input: f(1, 'string', 'repeated'),
        output: f(2, 'string', 'repeated'),
        name: f(3, 'string'),
        op_type: f(4, 'string'),
        attribute: f(5, 'AttributeProto', 'repeated'),
        domain: f(7, 'string'),
      },
    },
    Dimension: { fields: { dim_value: f(1, 'int64'), dim_param: f(2, 'string') } },
    TensorShapeProto: { fields: { dim: f(1, 'Dimension', 'repeated') } },
    TensorTypeProto: { fields: { elem_type: f(1, 'int32'), shape: f(2, 'TensorShapeProto') } },
    TypeProto: { fields: { tensor_type: f(1, 'TensorTypeProto') } },
    ValueInfoProto: { fields: { name: f(1, 'string'), type: f(2, 'TypeProto') } },
    GraphProto: {
      fields: {
        node: f(1, 'NodeProto', 'repeated'),
        name: f(2, 'string'),
        initializer: f(5, 'TensorProto', 'repeated'),
        input: f(11, 'ValueInfoProto', 'repeated'),
        output: f(12, 'ValueInfoProto', 'repeated'),
      },
    },
    OperatorSetIdProto: { fields: { domain: f(1, 'string'), version: f(2, 'int64') } },
    ModelProto: {
      fields: {
        ir_version: f(1, 'int64'),
        producer_name: f(2, 'string'),
        producer_version: f(3, 'string'),
        graph: f(7, 'GraphProto'),
        opset_import: f(8, 'OperatorSetIdProto', 'repeated'),
      },
    },
  },
};

const root = protobuf.Root.fromJSON({ nested: { onnx } });
export const ModelProto = root.lookupType('onnx.ModelProto');

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT64: 7, BOOL: 9 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7 } as const;
