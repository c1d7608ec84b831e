package org.robustify.corrupt;

import java.lang.ref.Reference;
import java.util.Arrays;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.bindings.RobustifyNative;
import org.robustify.bindings.RobustifyNative.RfyCorruptBatch;
import org.robustify.bindings.RobustifyNative.RfyCorruptOptions;
import org.robustify.bindings.RobustifyNative.RfyTensor;
import org.robustify.runtime.NativeException;
import org.robustify.runtime.Profiling;
import org.robustify.runtime.RobustifyException;
import org.robustify.tensor.ImageLayout;
import org.robustify.tensor.TensorBridge;

/**
 * ImageNet-C corruptions on batches of images through the native {@code rfy_corrupt_images} kernel (see
 * {@code native/include/robustify/corrupt.h}).
 *
 * <p>Images: 4-D, 1 or 3 channels, uint8 (0..255) or float32 ([0, 1]), in the declared {@link ImageLayout}, any
 * strides, on the CPU or a CUDA device. The result is a new libtorch tensor with the input's shape, dtype, layout and
 * device; inputs are never modified. CUDA work is enqueued on libtorch's current stream.
 *
 * <p>Randomness is keyed by (seed, sample id, corruption, severity): a sample's result does not depend on the batch
 * it came in, the thread count or the device. Sample ids default to 0..N-1; pass dataset indices to make results
 * independent of batching.
 *
 * <p>Arguments are validated in Java before any native work, with messages naming the bad argument. Call inside a
 * PointerScope (descriptors are JavaCPP pointers).
 */
public final class Corruptions {
    private Corruptions() {}

    /** One corruption at one severity on every image of an NCHW batch; sample ids 0..N-1. */
    public static Tensor apply(Tensor images, Corruption corruption, int severity, long seed) {
        return apply(images, ImageLayout.NCHW, corruption, severity, seed);
    }

    /** One corruption at one severity on every image of a batch in {@code layout}; sample ids 0..N-1. */
    public static Tensor apply(Tensor images, ImageLayout layout, Corruption corruption, int severity, long seed) {
        return apply(images, layout, corruption, severity, null, CorruptOptions.seed(seed));
    }

    /** One corruption at one severity on every image, with explicit sample ids (null: 0..N-1) and options. */
    public static Tensor apply(Tensor images, ImageLayout layout, Corruption corruption, int severity,
            long[] sampleIds, CorruptOptions options) {
        if (corruption == null) {
            throw new RobustifyException("corruption is null");
        }
        if (corruption != Corruption.IDENTITY) {
            Corruption.checkSeverity(severity);
        }
        int n = batchSize(images);
        int[] c = new int[n];
        int[] s = new int[n];
        Arrays.fill(c, corruption.code());
        Arrays.fill(s, corruption == Corruption.IDENTITY ? 1 : severity);
        return apply(images, layout, c, s, sampleIds, options);
    }

    /** Mixed batch, NCHW: a (corruption code, severity) per sample. See the layout-taking form. */
    public static Tensor apply(Tensor images, int[] corruptions, int[] severities, long[] sampleIds,
            CorruptOptions options) {
        return apply(images, ImageLayout.NCHW, corruptions, severities, sampleIds, options);
    }

    /**
     * Mixed batch: sample i gets corruption {@code corruptions[i]} (a {@link Corruption#code()}, -1 = identity) at
     * severity {@code severities[i]} (1..5; ignored for identity), keyed by {@code sampleIds[i]} (null: i).
     */
    public static Tensor apply(Tensor images, ImageLayout layout, int[] corruptions, int[] severities,
            long[] sampleIds, CorruptOptions options) {
        TensorBridge.requireDefined(images, "images");
        if (layout == null) {
            throw new RobustifyException("layout is null (NCHW or NHWC)");
        }
        CorruptOptions o = options != null ? options : CorruptOptions.defaults();
        checkImages(images, layout);
        Tensor nchw = layout == ImageLayout.NHWC ? images.permute(0, 3, 1, 2) : images;
        int n = (int) nchw.size(0);
        checkPerSample(n, corruptions, severities, sampleIds);
        if (o.path() == CorruptOptions.ExecutionPath.REFERENCE && images.is_cuda()) {
            throw new RobustifyException("the reference path runs on the CPU only; got images "
                    + TensorBridge.summary(images));
        }
        Tensor frost = o.frostTextures();
        if (frost != null) {
            frost = checkFrost(frost, nchw);
        }
        int path = o.path() == CorruptOptions.ExecutionPath.REFERENCE ? RobustifyNative.RFY_PATH_REFERENCE
                : RobustifyNative.RFY_PATH_FAST;

        TensorOptions like = new TensorOptions(images.scalar_type().intern())
                .device(new DeviceOptional(images.device()));
        long[] shape = new long[4];
        for (int i = 0; i < 4; i++) {
            shape[i] = images.size(i);
        }
        Tensor out = torch.empty(shape, like, new MemoryFormatOptional());
        if (n == 0) {
            return out;
        }
        Tensor outNchw = layout == ImageLayout.NHWC ? out.permute(0, 3, 1, 2) : out;

        try (var range = Profiling.range("corrupt/images"); PointerScope scope = new PointerScope()) {
            RfyTensor src = TensorBridge.describe(nchw, "images", 4, ScalarType.Byte, ScalarType.Float);
            RfyTensor dst = TensorBridge.describe(outNchw, "output", 4, ScalarType.Byte, ScalarType.Float);
            RfyTensor frostDesc = frost != null ? TensorBridge.describe(frost, "frost textures", 4, ScalarType.Byte)
                    : null;
            IntPointer cp = new IntPointer(corruptions);
            IntPointer sp = new IntPointer(severities);
            LongPointer ids = sampleIds != null ? new LongPointer(sampleIds) : null;
            RfyCorruptOptions no = new RfyCorruptOptions();
            RobustifyNative.rfy_corrupt_default_options(no);
            no.seed(o.seed()).preset(o.preset().code()).frost_textures(frostDesc);
            RfyCorruptBatch batch = new RfyCorruptBatch();
            batch.src(src).dst(dst).corruptions(cp).severities(sp).sample_ids(ids).workspace(null);
            Tensor workspace = null;
            RfyTensor wsDesc = null;
            try (LongPointer bytes = new LongPointer(1)) {
                NativeException.check(RobustifyNative.rfy_corrupt_workspace_size(batch, no, path, bytes));
                long size = bytes.get();
                if (size > 0) {
                    workspace = torch.empty(new long[] {size}, new TensorOptions(ScalarType.Byte)
                            .device(new DeviceOptional(images.device())), new MemoryFormatOptional());
                    wsDesc = TensorBridge.describe(workspace, "workspace", 1, ScalarType.Byte);
                    batch.workspace(wsDesc);
                }
            }
            NativeException.check(RobustifyNative.rfy_corrupt_images(batch, no, path, TensorBridge.streamFor(images)));
            Reference.reachabilityFence(workspace);
            Reference.reachabilityFence(frost);
            Reference.reachabilityFence(nchw);
            Reference.reachabilityFence(outNchw);
        }
        return out;
    }

    /**
     * The preset's constants for one (corruption, severity), in the order of the published tuples, zero-padded to
     * 8 ({@code rfy_corrupt_parameters}). {@code preset} must not be AUTO (resolve it first).
     */
    public static float[] parameters(Corruption corruption, int severity, CorruptionPreset preset) {
        Corruption.checkSeverity(severity);
        if (preset == CorruptionPreset.AUTO) {
            throw new RobustifyException("parameters need a concrete preset; resolve AUTO for the image size first");
        }
        try (FloatPointer out = new FloatPointer(8)) {
            NativeException.check(RobustifyNative.rfy_corrupt_parameters(corruption.code(), severity, preset.code(),
                    out));
            float[] v = new float[8];
            out.get(v);
            return v;
        }
    }

    private static int batchSize(Tensor images) {
        TensorBridge.requireDefined(images, "images");
        if (images.dim() != 4) {
            throw new RobustifyException("images must be 4-D (N, C, H, W or N, H, W, C); got "
                    + TensorBridge.summary(images));
        }
        return (int) images.size(0);
    }

    private static void checkImages(Tensor images, ImageLayout layout) {
        ScalarType dtype = images.scalar_type().intern();
        if (dtype != ScalarType.Byte && dtype != ScalarType.Float) {
            throw new RobustifyException("images must be uint8 (0..255) or float32 ([0, 1]); got "
                    + TensorBridge.summary(images));
        }
        if (images.dim() != 4) {
            throw new RobustifyException("images must be 4-D " + layout + "; got " + TensorBridge.summary(images));
        }
        long channels = images.size(layout == ImageLayout.NHWC ? 3 : 1);
        if (channels != 1 && channels != 3) {
            throw new RobustifyException("images must have 1 or 3 channels (layout " + layout + ", channel dim "
                    + (layout == ImageLayout.NHWC ? 3 : 1) + "); got " + channels + " in "
                    + TensorBridge.summary(images));
        }
        if (images.size(0) > Integer.MAX_VALUE) {
            throw new RobustifyException("too many images in one call: " + images.size(0));
        }
    }

    private static void checkPerSample(int n, int[] corruptions, int[] severities, long[] sampleIds) {
        if (corruptions == null || severities == null) {
            throw new RobustifyException("corruptions and severities are required (one per sample)");
        }
        if (corruptions.length != n || severities.length != n || (sampleIds != null && sampleIds.length != n)) {
            throw new RobustifyException("need one corruption, severity" + (sampleIds != null ? " and sample id" : "")
                    + " per image: " + n + " images, " + corruptions.length + " corruptions, " + severities.length
                    + " severities" + (sampleIds != null ? ", " + sampleIds.length + " sample ids" : ""));
        }
        for (int i = 0; i < n; i++) {
            Corruption c;
            try {
                c = Corruption.fromCode(corruptions[i]);
            } catch (RobustifyException e) {
                throw new RobustifyException("sample " + i + ": " + e.getMessage(), e);
            }
            if (c != Corruption.IDENTITY
                    && (severities[i] < Corruption.MIN_SEVERITY || severities[i] > Corruption.MAX_SEVERITY)) {
                throw new RobustifyException("sample " + i + " (" + c + "): severity must be 1..5; got "
                        + severities[i]);
            }
        }
    }

    private static Tensor checkFrost(Tensor frost, Tensor nchw) {
        TensorBridge.requireDefined(frost, "frost textures");
        if (frost.dim() != 4 || frost.size(3) != 3 || frost.size(0) < 1
                || frost.scalar_type().intern() != ScalarType.Byte) {
            throw new RobustifyException("frost textures must be uint8 [K, H, W, 3] RGB photos (K >= 1); got "
                    + TensorBridge.summary(frost));
        }
        TensorBridge.requireSameDevice(frost, "frost textures", nchw, "images");
        if (frost.size(1) < nchw.size(2) || frost.size(2) < nchw.size(3)) {
            throw new RobustifyException("frost textures must be at least as large as the images ("
                    + nchw.size(2) + "x" + nchw.size(3) + "); got " + frost.size(1) + "x" + frost.size(2));
        }
        return frost.stride(3) == 1 ? frost : frost.contiguous();
    }
}
