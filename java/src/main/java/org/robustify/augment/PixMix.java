package org.robustify.augment;

import java.lang.ref.Reference;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.bindings.RobustifyNative;
import org.robustify.bindings.RobustifyNative.RfyPixMixOptions;
import org.robustify.runtime.NativeException;
import org.robustify.runtime.RobustifyException;
import org.robustify.tensor.ImageLayout;
import org.robustify.tensor.TensorBridge;

/**
 * PixMix (Hendrycks et al., CVPR 2022) on batches of images through the native {@code rfy_pixmix_images} kernel
 * (see {@code native/include/robustify/augment.h}): each image is mixed up to k times, by PixMix's add or multiply,
 * with augmented copies of itself or its mixing picture (the caller's pictures, or a procedural plasma fractal).
 *
 * <p>Images and results as {@link AugMix}: uint8 or float32 in, float32 [0, 1] out in the input's shape, layout and
 * device; results keyed by (seed, sample id, view), independent of batching, thread count and device.
 */
public final class PixMix {
    private PixMix() {}

    /** One PixMix view of every image; {@code sampleIds} null means 0..N-1, {@code options} null the defaults. */
    public static Tensor apply(Tensor images, ImageLayout layout, long[] sampleIds, int view, PixMixOptions options) {
        PixMixOptions o = options != null ? options : PixMixOptions.defaults();
        if (view < 0 || view >= (1 << 20)) {
            throw new RobustifyException("view must be in 0..2^20-1; got " + view);
        }
        Tensor pictures = o.mixingPictures() != null ? checkPictures(o.mixingPictures(), images, layout) : null;
        int path = o.path() == AugMixOptions.ExecutionPath.REFERENCE ? RobustifyNative.RFY_PATH_REFERENCE
                : RobustifyNative.RFY_PATH_FAST;
        Tensor out = AugmentCall.run(images, layout, sampleIds, view, path, "augment/pixmix", call -> {
            RfyPixMixOptions no = new RfyPixMixOptions();
            RobustifyNative.rfy_pixmix_default_options(no);
            no.seed(o.seed()).k(o.k()).beta(o.beta()).severity(o.severity()).all_ops(o.allOps() ? 1 : 0)
                    .ops(o.opsMask());
            if (pictures != null) {
                no.mixing_pictures(TensorBridge.describe(pictures, "mixing pictures", 4, ScalarType.Byte));
            }
            try (LongPointer bytes = new LongPointer(1)) {
                NativeException.check(RobustifyNative.rfy_pixmix_workspace_size(call.batch(), no, path, bytes));
                call.attachWorkspace(bytes.get());
            }
            NativeException.check(RobustifyNative.rfy_pixmix_images(call.batch(), no, path, call.stream()));
        });
        Reference.reachabilityFence(pictures);
        return out;
    }

    private static Tensor checkPictures(Tensor pictures, Tensor images, ImageLayout layout) {
        TensorBridge.requireDefined(pictures, "mixing pictures");
        if (images.dim() != 4 || layout == null) {
            return pictures;  // the image checks report this
        }
        long h = images.size(layout == ImageLayout.NHWC ? 1 : 2);
        long w = images.size(layout == ImageLayout.NHWC ? 2 : 3);
        long c = images.size(layout == ImageLayout.NHWC ? 3 : 1);
        if (pictures.dim() != 4 || pictures.scalar_type().intern() != ScalarType.Byte || pictures.size(0) < 1
                || pictures.size(1) != h || pictures.size(2) != w || pictures.size(3) != c) {
            throw new RobustifyException("mixing pictures must be uint8 [K >= 1, " + h + ", " + w + ", " + c
                    + "] (NHWC, the images' height, width and channels); got " + TensorBridge.summary(pictures));
        }
        return pictures.device().equals(images.device()) ? pictures : pictures.to(images.device(), ScalarType.Byte);
    }
}
