package org.robustify.bindings;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.ByRef;
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
@Platform(include = {"robustify/robustify.h", "robustify/distill.h", "robustify/corrupt.h", "robustify/augment.h"},
        link = "robustify")
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

    /** {@code rfy_distill_options} (robustify/distill.h). */
    @Name("rfy_distill_options")
    public static class RfyDistillOptions extends Pointer {
        static {
            Loader.load();
        }

        public RfyDistillOptions() {
            super((Pointer) null);
            allocate();
        }

        public RfyDistillOptions(Pointer p) {
            super(p);
        }

        private native void allocate();

        public native float temperature();
        public native RfyDistillOptions temperature(float v);
        public native float kd_weight();
        public native RfyDistillOptions kd_weight(float v);
        public native float ce_weight();
        public native RfyDistillOptions ce_weight(float v);
        public native float label_smoothing();
        public native RfyDistillOptions label_smoothing(float v);
        public native int teacher_kind();
        public native RfyDistillOptions teacher_kind(int v);
        public native int weighting();
        public native RfyDistillOptions weighting(int v);
        public native int reduction();
        public native RfyDistillOptions reduction(int v);
        public native int accumulate();
        public native RfyDistillOptions accumulate(int v);
        public native @Cast("int64_t") long ignore_index();
        public native RfyDistillOptions ignore_index(long v);
    }

    /** {@code rfy_distill_pair}; allocate several with {@link #RfyDistillPair(long)} and select with position(). */
    @Name("rfy_distill_pair")
    public static class RfyDistillPair extends Pointer {
        static {
            Loader.load();
        }

        public RfyDistillPair(long count) {
            super((Pointer) null);
            allocateArray(count);
        }

        private native void allocateArray(long count);

        @Override
        public RfyDistillPair position(long position) {
            return (RfyDistillPair) super.position(position);
        }

        public native @ByRef RfyDistillOptions options();
        public native RfyDistillPair options(RfyDistillOptions options);
        public native @Const RfyTensor student();
        public native RfyDistillPair student(RfyTensor t);
        public native @Const RfyTensor teacher();
        public native RfyDistillPair teacher(RfyTensor t);
        public native @Const RfyTensor row_weights();
        public native RfyDistillPair row_weights(RfyTensor t);
        public native @Const RfyTensor grad();
        public native RfyDistillPair grad(RfyTensor t);
        public native @Const RfyTensor rows();
        public native RfyDistillPair rows(RfyTensor t);
        public native @Const RfyTensor stats();
        public native RfyDistillPair stats(RfyTensor t);
    }

    public static final int RFY_TEACHER_LOGITS = 0;
    public static final int RFY_TEACHER_PROBS = 1;
    public static final int RFY_KD_WEIGHT_UNIFORM = 0;
    public static final int RFY_KD_WEIGHT_ENTROPY = 1;
    public static final int RFY_KD_WEIGHT_ENTROPY_CORRECT = 2;
    public static final int RFY_KD_WEIGHT_GIVEN = 3;
    public static final int RFY_REDUCE_MEAN = 0;
    public static final int RFY_REDUCE_SUM = 1;
    public static final int RFY_REDUCE_NONE = 2;
    public static final int RFY_DISTILL_ROW_COLUMNS = 4;
    public static final int RFY_DISTILL_STATS = 5;

    public static native void rfy_distill_default_options(RfyDistillOptions options);
    public static native @Cast("rfy_status") int rfy_distill_loss(@Const RfyDistillPair pairs, int numPairs,
            @Const RfyTensor labels, int path, @Cast("rfy_cuda_stream") Pointer stream);

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

    // robustify/corrupt.h
    public static final int RFY_CORRUPT_IDENTITY = -1;
    public static final int RFY_CORRUPTION_COUNT = 19;
    public static final int RFY_CORRUPTION_BENCHMARK_COUNT = 15;
    public static final int RFY_CORRUPT_PRESET_AUTO = 0;
    public static final int RFY_CORRUPT_PRESET_IMAGENET = 1;
    public static final int RFY_CORRUPT_PRESET_TINYIMAGENET = 2;
    public static final int RFY_CORRUPT_PRESET_CIFAR = 3;

    /** {@code rfy_corrupt_options} (robustify/corrupt.h). */
    @Name("rfy_corrupt_options")
    public static class RfyCorruptOptions extends Pointer {
        static {
            Loader.load();
        }

        public RfyCorruptOptions() {
            super((Pointer) null);
            allocate();
        }

        public RfyCorruptOptions(Pointer p) {
            super(p);
        }

        private native void allocate();

        public native @Cast("uint64_t") long seed();
        public native RfyCorruptOptions seed(long v);
        public native int preset();
        public native RfyCorruptOptions preset(int v);
        public native int reserved0();
        public native RfyCorruptOptions reserved0(int v);
        public native @Const RfyTensor frost_textures();
        public native RfyCorruptOptions frost_textures(RfyTensor t);
        public native @Cast("int64_t") long reserved(int i);
        public native RfyCorruptOptions reserved(int i, long v);
    }

    /** {@code rfy_corrupt_batch} (robustify/corrupt.h): host arrays and descriptors, all borrowed. */
    @Name("rfy_corrupt_batch")
    public static class RfyCorruptBatch extends Pointer {
        static {
            Loader.load();
        }

        public RfyCorruptBatch() {
            super((Pointer) null);
            allocate();
        }

        public RfyCorruptBatch(Pointer p) {
            super(p);
        }

        private native void allocate();

        public native @Const RfyTensor src();
        public native RfyCorruptBatch src(RfyTensor t);
        public native @Const RfyTensor dst();
        public native RfyCorruptBatch dst(RfyTensor t);
        public native @Cast("const int32_t*") IntPointer corruptions();
        public native RfyCorruptBatch corruptions(@Cast("const int32_t*") IntPointer p);
        public native @Cast("const int32_t*") IntPointer severities();
        public native RfyCorruptBatch severities(@Cast("const int32_t*") IntPointer p);
        public native @Cast("const int64_t*") LongPointer sample_ids();
        public native RfyCorruptBatch sample_ids(@Cast("const int64_t*") LongPointer p);
        public native @Const RfyTensor workspace();
        public native RfyCorruptBatch workspace(RfyTensor t);
    }

    public static native void rfy_corrupt_default_options(RfyCorruptOptions options);
    public static native @Cast("const char*") String rfy_corruption_name(int corruption);
    public static native @Cast("rfy_status") int rfy_corruption_from_name(@Cast("const char*") String name,
            @Cast("int32_t*") IntPointer corruption);
    public static native @Cast("const char*") String rfy_corrupt_preset_name(int preset);
    public static native int rfy_corrupt_resolve_preset(int preset, @Cast("int64_t") long height,
            @Cast("int64_t") long width);
    public static native @Cast("rfy_status") int rfy_corrupt_parameters(int corruption, int severity, int preset,
            FloatPointer out);
    public static native @Cast("rfy_status") int rfy_corrupt_workspace_size(@Const RfyCorruptBatch batch,
            @Const RfyCorruptOptions options, int path, @Cast("int64_t*") LongPointer bytes);
    public static native @Cast("rfy_status") int rfy_corrupt_images(@Const RfyCorruptBatch batch,
            @Const RfyCorruptOptions options, int path, @Cast("rfy_cuda_stream") Pointer stream);

    // robustify/augment.h
    public static final int RFY_AUGMENT_OP_COUNT = 13;
    public static final int RFY_AUGMENT_OPS_AUGMIX = 0x1FF;
    public static final int RFY_AUGMENT_OPS_ALL = 0x1FFF;

    /** {@code rfy_augmix_options} (robustify/augment.h). */
    @Name("rfy_augmix_options")
    public static class RfyAugMixOptions extends Pointer {
        static {
            Loader.load();
        }

        public RfyAugMixOptions() {
            super((Pointer) null);
            allocate();
        }

        public RfyAugMixOptions(Pointer p) {
            super(p);
        }

        private native void allocate();

        public native @Cast("uint64_t") long seed();
        public native RfyAugMixOptions seed(long v);
        public native int width();
        public native RfyAugMixOptions width(int v);
        public native int depth();
        public native RfyAugMixOptions depth(int v);
        public native int severity();
        public native RfyAugMixOptions severity(int v);
        public native float alpha();
        public native RfyAugMixOptions alpha(float v);
        public native int all_ops();
        public native RfyAugMixOptions all_ops(int v);
        public native @Cast("uint32_t") int ops();
        public native RfyAugMixOptions ops(int v);
        public native @Cast("int64_t") long reserved(int i);
        public native RfyAugMixOptions reserved(int i, long v);
    }

    /** {@code rfy_augment_batch} (robustify/augment.h): host arrays and descriptors, all borrowed. */
    @Name("rfy_augment_batch")
    public static class RfyAugmentBatch extends Pointer {
        static {
            Loader.load();
        }

        public RfyAugmentBatch() {
            super((Pointer) null);
            allocate();
        }

        public RfyAugmentBatch(Pointer p) {
            super(p);
        }

        private native void allocate();

        public native @Const RfyTensor src();
        public native RfyAugmentBatch src(RfyTensor t);
        public native @Const RfyTensor dst();
        public native RfyAugmentBatch dst(RfyTensor t);
        public native @Cast("const int64_t*") LongPointer sample_ids();
        public native RfyAugmentBatch sample_ids(@Cast("const int64_t*") LongPointer p);
        public native int view();
        public native RfyAugmentBatch view(int v);
        public native int reserved0();
        public native RfyAugmentBatch reserved0(int v);
        public native @Const RfyTensor workspace();
        public native RfyAugmentBatch workspace(RfyTensor t);
    }

    public static native void rfy_augmix_default_options(RfyAugMixOptions options);
    public static native @Cast("const char*") String rfy_augment_op_name(int op);
    public static native @Cast("rfy_status") int rfy_augmix_workspace_size(@Const RfyAugmentBatch batch,
            @Const RfyAugMixOptions options, int path, @Cast("int64_t*") LongPointer bytes);
    public static native @Cast("rfy_status") int rfy_augmix_images(@Const RfyAugmentBatch batch,
            @Const RfyAugMixOptions options, int path, @Cast("rfy_cuda_stream") Pointer stream);
    public static native @Cast("rfy_status") int rfy_augment_op_workspace_size(@Const RfyAugmentBatch batch, int path,
            @Cast("int64_t*") LongPointer bytes);
    public static native @Cast("rfy_status") int rfy_augment_op_images(@Const RfyAugmentBatch batch, int op,
            double value, int path, @Cast("rfy_cuda_stream") Pointer stream);

    /** {@code rfy_pixmix_options} (robustify/augment.h). */
    @Name("rfy_pixmix_options")
    public static class RfyPixMixOptions extends Pointer {
        static {
            Loader.load();
        }

        public RfyPixMixOptions() {
            super((Pointer) null);
            allocate();
        }

        public RfyPixMixOptions(Pointer p) {
            super(p);
        }

        private native void allocate();

        public native @Cast("uint64_t") long seed();
        public native RfyPixMixOptions seed(long v);
        public native int k();
        public native RfyPixMixOptions k(int v);
        public native float beta();
        public native RfyPixMixOptions beta(float v);
        public native int severity();
        public native RfyPixMixOptions severity(int v);
        public native int all_ops();
        public native RfyPixMixOptions all_ops(int v);
        public native @Cast("uint32_t") int ops();
        public native RfyPixMixOptions ops(int v);
        public native int reserved0();
        public native RfyPixMixOptions reserved0(int v);
        public native @Const RfyTensor mixing_pictures();
        public native RfyPixMixOptions mixing_pictures(RfyTensor t);
        public native @Cast("int64_t") long reserved(int i);
        public native RfyPixMixOptions reserved(int i, long v);
    }

    public static native void rfy_pixmix_default_options(RfyPixMixOptions options);
    public static native @Cast("rfy_status") int rfy_pixmix_workspace_size(@Const RfyAugmentBatch batch,
            @Const RfyPixMixOptions options, int path, @Cast("int64_t*") LongPointer bytes);
    public static native @Cast("rfy_status") int rfy_pixmix_images(@Const RfyAugmentBatch batch,
            @Const RfyPixMixOptions options, int path, @Cast("rfy_cuda_stream") Pointer stream);
}
