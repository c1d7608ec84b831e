package org.robustify.model.weights;

import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The safetensors dtypes libtorch can hold, with their item sizes. Declared in the reference implementation's order
 * (its {@code Dtype} enum, roughly by alignment): its writer lays tensors out by descending dtype, so every tensor
 * starts at a multiple of its item size; {@link SafeTensors#write} does the same.
 */
public enum SafeDtype {
    BOOL(1, ScalarType.Bool),
    U8(1, ScalarType.Byte),
    I8(1, ScalarType.Char),
    F8_E5M2(1, ScalarType.Float8_e5m2),
    F8_E4M3(1, ScalarType.Float8_e4m3fn),
    I16(2, ScalarType.Short),
    U16(2, ScalarType.UInt16),
    F16(2, ScalarType.Half),
    BF16(2, ScalarType.BFloat16),
    I32(4, ScalarType.Int),
    U32(4, ScalarType.UInt32),
    F32(4, ScalarType.Float),
    F64(8, ScalarType.Double),
    I64(8, ScalarType.Long),
    U64(8, ScalarType.UInt64);

    private final int itemSize;
    private final ScalarType scalarType;

    SafeDtype(int itemSize, ScalarType scalarType) {
        this.itemSize = itemSize;
        this.scalarType = scalarType;
    }

    public int itemSize() {
        return itemSize;
    }

    public ScalarType scalarType() {
        return scalarType;
    }

    /** The dtype named in a header ("F32"), or null when unknown. */
    public static SafeDtype parse(String name) {
        for (SafeDtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** The safetensors dtype of a libtorch scalar type, or null when the format has none (complex, quantised). */
    public static SafeDtype of(ScalarType type) {
        // Natives return fresh enum instances: intern() maps them to the constants.
        ScalarType t = type.intern();
        for (SafeDtype d : values()) {
            if (d.scalarType == t) {
                return d;
            }
        }
        return null;
    }

    /** "F32, F16, ..." for error messages. */
    public static String known() {
        StringBuilder s = new StringBuilder();
        for (SafeDtype d : values()) {
            s.append(s.length() == 0 ? "" : ", ").append(d.name());
        }
        return s.toString();
    }
}
