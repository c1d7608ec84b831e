package org.robustify.tensor;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.bindings.RobustifyNative;
import org.robustify.bindings.RobustifyNative.RfyTensor;
import org.robustify.runtime.RobustifyException;

/**
 * Hands libtorch tensors to the native core: checks what the Java caller can get wrong (undefined tensor, dtype,
 * rank, device) with messages naming the argument, then describes the tensor's memory (data_ptr, sizes, strides,
 * device) as an {@code rfy_tensor}. The native side re-validates layout details (overlap, strides).
 *
 * <p>Descriptors are JavaCPP pointers: create them inside the caller's PointerScope.
 */
public final class TensorBridge {
    private TensorBridge() {}

    private static final Map<ScalarType, Integer> DTYPES = Map.of(
            ScalarType.Byte, RobustifyNative.RFY_UINT8,
            ScalarType.Float, RobustifyNative.RFY_FLOAT32,
            ScalarType.Half, RobustifyNative.RFY_FLOAT16,
            ScalarType.BFloat16, RobustifyNative.RFY_BFLOAT16,
            ScalarType.Double, RobustifyNative.RFY_FLOAT64,
            ScalarType.Int, RobustifyNative.RFY_INT32,
            ScalarType.Long, RobustifyNative.RFY_INT64);

    /** Describes {@code t}, which must be defined, of one of {@code allowed} dtypes and of rank {@code rank}. */
    public static RfyTensor describe(Tensor t, String name, int rank, ScalarType... allowed) {
        requireDefined(t, name);
        // JavaCPP hands back fresh enum objects from native calls: intern() maps them to the Java constants.
        ScalarType dtype = t.scalar_type().intern();
        if (allowed.length > 0 && !Arrays.asList(allowed).contains(dtype)) {
            throw new RobustifyException(name + " must be " + join(allowed) + "; got " + summary(t));
        }
        if (rank >= 0 && t.dim() != rank) {
            throw new RobustifyException(name + " must be " + rank + "-D; got " + summary(t));
        }
        Integer code = DTYPES.get(dtype);
        if (code == null) {
            throw new RobustifyException(name + " has dtype " + dtype + ", which the native core does not support");
        }
        int dims = (int) t.dim();
        if (dims > RobustifyNative.RFY_MAX_DIMS) {
            throw new RobustifyException(name + " has " + dims + " dimensions; at most " + RobustifyNative.RFY_MAX_DIMS);
        }
        RfyTensor d = new RfyTensor();
        d.data(t.numel() == 0 ? null : t.data_ptr()).dtype(code).ndim(dims);
        if (t.is_cuda()) {
            d.device_type(RobustifyNative.RFY_CUDA).device_index(t.device().index());
        } else {
            d.device_type(RobustifyNative.RFY_CPU).device_index(0);
        }
        for (int i = 0; i < dims; i++) {
            d.shape(i, t.size(i)).strides(i, t.stride(i));
        }
        return d;
    }

    public static void requireDefined(Tensor t, String name) {
        if (t == null || t.isNull() || !t.defined()) {
            throw new RobustifyException(name + " is undefined (null or empty Tensor handle)");
        }
    }

    public static void requireSameDevice(Tensor a, String aName, Tensor b, String bName) {
        if (!a.device().str().getString().equals(b.device().str().getString())) {
            throw new RobustifyException(aName + " and " + bName + " must be on the same device; got "
                    + summary(a) + " and " + summary(b));
        }
    }

    /**
     * The stream native CUDA work must be enqueued on: libtorch's current stream for the tensor's device, so our
     * kernels order correctly with libtorch's. Null for CPU tensors. Reached reflectively so CPU-only hosts never
     * load CUDA classes (they fail without a driver).
     */
    public static Pointer streamFor(Tensor t) {
        if (!t.is_cuda()) {
            return null;
        }
        try {
            Class<?> cuda = Class.forName("org.bytedeco.pytorch.global.torch_cuda");
            Method current = cuda.getMethod("getCurrentCUDAStream", byte.class);
            Object stream = current.invoke(null, t.device().index());
            return (Pointer) stream.getClass().getMethod("stream").invoke(stream);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new RobustifyException("a CUDA tensor was given but libtorch's CUDA stream API is unavailable "
                    + "(build with -Pgpu on a host with a GPU driver): " + e, e);
        }
    }

    /** e.g. {@code Float[64, 1, 28, 28] on cpu}. */
    public static String summary(Tensor t) {
        StringBuilder s = new StringBuilder().append(t.scalar_type()).append('[');
        for (int i = 0; i < t.dim(); i++) {
            s.append(i == 0 ? "" : ", ").append(t.size(i));
        }
        return s.append("] on ").append(t.device().str().getString()).toString();
    }

    private static String join(ScalarType[] types) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < types.length; i++) {
            s.append(i == 0 ? "" : " or ").append(types[i]);
        }
        return s.toString();
    }

    static {
        // Keep a reference so the torch natives are loaded before any descriptor is made.
        torch.get_num_threads();
    }
}
