package org.robustify.augment;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.robustify.bindings.RobustifyNative;
import org.robustify.bindings.RobustifyNative.RfyAugMixOptions;
import org.robustify.runtime.NativeException;
import org.robustify.runtime.RobustifyException;
import org.robustify.tensor.ImageLayout;

/**
 * AugMix (Hendrycks et al., ICLR 2020) on batches of images through the native {@code rfy_augmix_images} kernel
 * (see {@code native/include/robustify/augment.h}): per image, {@code width} chains of 1..3 random ops from the
 * augmix repository's set, mixed with Dirichlet weights and blended with the original by a Beta weight.
 *
 * <p>Images: 4-D, 1 or 3 channels, uint8 (0..255) or float32 ([0, 1], rounded to 8 bits: the ops are Pillow's 8-bit
 * ops), in the declared {@link ImageLayout}, any strides, on the CPU or a CUDA device. The result is a new float32
 * tensor in [0, 1] with the input's shape, layout and device. CUDA work is enqueued on libtorch's current stream.
 *
 * <p>Randomness is keyed by (seed, sample id, view): a sample's result depends on neither the batch it came in, the
 * thread count nor the device. Use views 1 and 2 for the two augmented views of the JSD consistency loss.
 */
public final class AugMix {
    private AugMix() {}

    /** One AugMix view of every image; {@code sampleIds} null means 0..N-1, {@code options} null the defaults. */
    public static Tensor apply(Tensor images, ImageLayout layout, long[] sampleIds, int view, AugMixOptions options) {
        AugMixOptions o = options != null ? options : AugMixOptions.defaults();
        if (view < 0 || view >= (1 << 20)) {
            throw new RobustifyException("view must be in 0..2^20-1; got " + view);
        }
        int path = o.path() == AugMixOptions.ExecutionPath.REFERENCE ? RobustifyNative.RFY_PATH_REFERENCE
                : RobustifyNative.RFY_PATH_FAST;
        return AugmentCall.run(images, layout, sampleIds, view, path, "augment/augmix", call -> {
            RfyAugMixOptions no = new RfyAugMixOptions();
            RobustifyNative.rfy_augmix_default_options(no);
            no.seed(o.seed()).width(o.width()).depth(o.depth()).severity(o.severity()).alpha(o.alpha())
                    .all_ops(o.allOps() ? 1 : 0).ops(o.opsMask());
            try (LongPointer bytes = new LongPointer(1)) {
                NativeException.check(RobustifyNative.rfy_augmix_workspace_size(call.batch(), no, path, bytes));
                call.attachWorkspace(bytes.get());
            }
            NativeException.check(RobustifyNative.rfy_augmix_images(call.batch(), no, path, call.stream()));
        });
    }

    /**
     * One op with an explicit Pillow argument on every image (no randomness): float32 result op(image) / 255.
     * {@code value}: posterize bits (0..8), rotate degrees, solarize threshold (0..256), shear factor, translate
     * pixels, or the ImageEnhance factor; ignored by autocontrast and equalize.
     */
    public static Tensor applyOp(Tensor images, ImageLayout layout, AugmentOp op, double value) {
        if (op == null) {
            throw new RobustifyException("op is null");
        }
        int path = RobustifyNative.RFY_PATH_FAST;
        return AugmentCall.run(images, layout, null, 0, path, "augment/op", call -> {
            try (LongPointer bytes = new LongPointer(1)) {
                NativeException.check(RobustifyNative.rfy_augment_op_workspace_size(call.batch(), path, bytes));
                call.attachWorkspace(bytes.get());
            }
            NativeException.check(RobustifyNative.rfy_augment_op_images(call.batch(), op.code(), value, path,
                    call.stream()));
        });
    }
}
