package org.robustify.bindings;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of the native core's C ABI ({@code native/include/robustify/robustify.h}), one Java method per C
 * function with the C name, so the header is the documentation. Callers normally go through
 * {@code org.robustify.tensor}, which validates libtorch tensors and turns status codes into exceptions.
 *
 * <p>This class deliberately does not inherit the PyTorch preset: the ABI is raw pointers, so the binding needs no
 * libtorch headers and is independent of the libtorch version.
 */
@Platform(include = "robustify/robustify.h", link = "robustify")
@NoException
public final class RobustifyNative {
    static {
        Loader.load();
    }

    private RobustifyNative() {}

    // Values mirrored from robustify.h (checked against the native side by a test).
    public static final int RFY_ABI_VERSION_MAJOR = 0;
    public static final int RFY_MAX_DIMS = 8;

    public static final int RFY_OK = 0;
    public static final int RFY_ERR_INVALID_ARGUMENT = 1;
    public static final int RFY_ERR_UNSUPPORTED = 2;
    public static final int RFY_ERR_NO_CUDA = 3;
    public static final int RFY_ERR_CUDA = 4;
    public static final int RFY_ERR_INTERNAL = 5;

    public static final int RFY_UINT8 = 0;
    public static final int RFY_FLOAT32 = 1;
    public static final int RFY_FLOAT16 = 2;
    public static final int RFY_BFLOAT16 = 3;
    public static final int RFY_FLOAT64 = 4;
    public static final int RFY_INT32 = 5;
    public static final int RFY_INT64 = 6;

    public static final int RFY_CPU = 0;
    public static final int RFY_CUDA = 1;

    public static final int RFY_PATH_FAST = 0;
    public static final int RFY_PATH_REFERENCE = 1;

    /** {@code rfy_tensor}: a tensor descriptor (pointer, dtype, device, shape, element strides). */
    @Name("rfy_tensor")
    public static class RfyTensor extends Pointer {
        static {
            Loader.load();
        }

        public RfyTensor() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        public native Pointer data();
        public native RfyTensor data(Pointer data);
        public native int dtype();
        public native RfyTensor dtype(int dtype);
        public native int device_type();
        public native RfyTensor device_type(int deviceType);
        public native int device_index();
        public native RfyTensor device_index(int deviceIndex);
        public native int ndim();
        public native RfyTensor ndim(int ndim);
        public native @Cast("int64_t") long shape(int i);
        public native RfyTensor shape(int i, long size);
        public native @Cast("int64_t") long strides(int i);
        public native RfyTensor strides(int i, long stride);
    }

    public static native @Cast("const char*") String rfy_last_error();
    public static native @Cast("const char*") String rfy_status_name(@Cast("rfy_status") int status);
    public static native void rfy_abi_version(IntPointer major, IntPointer minor);
    public static native @Cast("const char*") String rfy_version();
    public static native @Cast("const char*") String rfy_build_info();

    public static native @Cast("rfy_status") int rfy_set_num_threads(int threads);
    public static native int rfy_get_num_threads();

    public static native @Cast("rfy_status") int rfy_tune_host_allocator();

    public static native void rfy_range_push(@Cast("const char*") String name);
    public static native void rfy_range_pop();
    public static native int rfy_nvtx_enabled();

    public static native @Cast("rfy_status") int rfy_cuda_device_count(IntPointer count);
    public static native @Cast("rfy_status") int rfy_cuda_backend_load(@Cast("const char*") String path);
    public static native int rfy_cuda_backend_loaded();

    public static native @Cast("rfy_status") int rfy_normalize_images(@Const RfyTensor src, @Const RfyTensor dst,
            @Const FloatPointer mean, @Const FloatPointer std, int path, @Cast("rfy_cuda_stream") Pointer stream);
}
