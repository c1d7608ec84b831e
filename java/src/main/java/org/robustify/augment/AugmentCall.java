package org.robustify.augment;

import java.lang.ref.Reference;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.bindings.RobustifyNative;
import org.robustify.bindings.RobustifyNative.RfyAugmentBatch;
import org.robustify.bindings.RobustifyNative.RfyTensor;
import org.robustify.runtime.Profiling;
import org.robustify.runtime.RobustifyException;
import org.robustify.tensor.ImageLayout;
import org.robustify.tensor.TensorBridge;

/**
 * The plumbing every augment entry point shares: checks the images, allocates the float32 result in the images'
 * layout and device, describes both for the C ABI (an NHWC batch as its NCHW permutation) and keeps the workspace
 * alive for the native call.
 */
final class AugmentCall {
    /** The native work of one call, given the described batch. */
    interface NativeWork {
        void run(AugmentCall call);
    }

    private final RfyAugmentBatch batch;
    private final Pointer stream;
    private final Tensor images;
    private Tensor workspace;

    private AugmentCall(RfyAugmentBatch batch, Pointer stream, Tensor images) {
        this.batch = batch;
        this.stream = stream;
        this.images = images;
    }

    RfyAugmentBatch batch() {
        return batch;
    }

    Pointer stream() {
        return stream;
    }

    /** Allocates {@code bytes} of workspace on the images' device and hands it to the batch. */
    void attachWorkspace(long bytes) {
        if (bytes <= 0) {
            return;
        }
        workspace = torch.empty(new long[] {bytes}, new TensorOptions(ScalarType.Byte)
                .device(new DeviceOptional(images.device())), new MemoryFormatOptional());
        batch.workspace(TensorBridge.describe(workspace, "workspace", 1, ScalarType.Byte));
    }

    static Tensor run(Tensor images, ImageLayout layout, long[] sampleIds, int view, int path, String range,
            NativeWork work) {
        TensorBridge.requireDefined(images, "images");
        if (layout == null) {
            throw new RobustifyException("layout is null (NCHW or NHWC)");
        }
        checkImages(images, layout);
        Tensor nchw = layout == ImageLayout.NHWC ? images.permute(0, 3, 1, 2) : images;
        long n = nchw.size(0);
        if (sampleIds != null && sampleIds.length != n) {
            throw new RobustifyException("need one sample id per image: " + n + " images, " + sampleIds.length
                    + " sample ids");
        }
        if (path == RobustifyNative.RFY_PATH_REFERENCE && images.is_cuda()) {
            throw new RobustifyException("the reference path runs on the CPU only; got images "
                    + TensorBridge.summary(images));
        }
        long[] shape = new long[4];
        for (int i = 0; i < 4; i++) {
            shape[i] = images.size(i);
        }
        Tensor out = torch.empty(shape, new TensorOptions(ScalarType.Float).device(new DeviceOptional(images.device())),
                new MemoryFormatOptional());
        if (n == 0) {
            return out;
        }
        Tensor outNchw = layout == ImageLayout.NHWC ? out.permute(0, 3, 1, 2) : out;
        try (var r = Profiling.range(range); PointerScope scope = new PointerScope()) {
            RfyTensor src = TensorBridge.describe(nchw, "images", 4, ScalarType.Byte, ScalarType.Float);
            RfyTensor dst = TensorBridge.describe(outNchw, "output", 4, ScalarType.Float);
            LongPointer ids = sampleIds != null ? new LongPointer(sampleIds) : null;
            RfyAugmentBatch batch = new RfyAugmentBatch();
            batch.src(src).dst(dst).sample_ids(ids).view(view).reserved0(0).workspace(null);
            AugmentCall call = new AugmentCall(batch, TensorBridge.streamFor(images), images);
            work.run(call);
            Reference.reachabilityFence(call.workspace);
            Reference.reachabilityFence(nchw);
            Reference.reachabilityFence(outNchw);
        }
        return out;
    }

    private static void checkImages(Tensor images, ImageLayout layout) {
        if (images.dim() != 4) {
            throw new RobustifyException("images must be 4-D " + layout + "; got " + TensorBridge.summary(images));
        }
        ScalarType dtype = images.scalar_type().intern();
        if (dtype != ScalarType.Byte && dtype != ScalarType.Float) {
            throw new RobustifyException("images must be uint8 (0..255) or float32 ([0, 1]); got "
                    + TensorBridge.summary(images));
        }
        int channelDim = layout == ImageLayout.NHWC ? 3 : 1;
        long channels = images.size(channelDim);
        if (channels != 1 && channels != 3) {
            throw new RobustifyException("images must have 1 or 3 channels (layout " + layout + ", channel dim "
                    + channelDim + "); got " + channels + " in " + TensorBridge.summary(images));
        }
        if (images.size(0) > Integer.MAX_VALUE) {
            throw new RobustifyException("too many images in one call: " + images.size(0));
        }
    }
}
