package org.robustify.tensor;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.bindings.RobustifyNative;
import org.robustify.bindings.RobustifyNative.RfyTensor;
import org.robustify.runtime.NativeException;
import org.robustify.runtime.RobustifyException;

/** Image batches to model inputs through the native preprocess kernels. */
public final class Preprocess {
    private Preprocess() {}

    /**
     * Returns a new float32 NCHW tensor on the images' device: {@code (x / 255 - mean[c]) / std[c]} for uint8 input,
     * {@code (x - mean[c]) / std[c]} for float32 input. {@code images} is 4-D in the given layout; any strides.
     */
    public static Tensor normalize(Tensor images, ImageLayout layout, float[] mean, float[] std) {
        TensorBridge.requireDefined(images, "images");
        Tensor nchw = layout == ImageLayout.NHWC ? images.permute(0, 3, 1, 2) : images;
        RfyTensor src = TensorBridge.describe(nchw, "images", 4, ScalarType.Byte, ScalarType.Float);
        long channels = nchw.size(1);
        if (mean.length != channels || std.length != channels) {
            throw new RobustifyException("mean and std need " + channels + " values (one per channel); got "
                    + mean.length + " and " + std.length);
        }
        TensorOptions options = new TensorOptions(ScalarType.Float).device(new org.bytedeco.pytorch.DeviceOptional(images.device()));
        Tensor out = torch.empty(new long[] {nchw.size(0), channels, nchw.size(2), nchw.size(3)}, options, new org.bytedeco.pytorch.MemoryFormatOptional());
        RfyTensor dst = TensorBridge.describe(out, "output", 4, ScalarType.Float);
        try (FloatPointer m = new FloatPointer(mean); FloatPointer s = new FloatPointer(std)) {
            NativeException.check(RobustifyNative.rfy_normalize_images(src, dst, m, s, RobustifyNative.RFY_PATH_FAST,
                    TensorBridge.streamFor(images)));
        }
        return out;
    }
}
