package org.robustify.model.vit;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * timm's trunc_normal_ (the presets expose no torch::nn::init::trunc_normal_): inverse-CDF sampling of a normal
 * truncated to [a, b], then a clamp against rounding. Like timm, a and b are absolute values, not multiples of std.
 */
final class TruncNormal {
    private TruncNormal() {}

    static void fill(Tensor t, double std) {
        fill(t, 0.0, std, -2.0, 2.0);
    }

    static void fill(Tensor t, double mean, double std, double a, double b) {
        double lo = normCdf((a - mean) / std);
        double hi = normCdf((b - mean) / std);
        // In-place writes into a leaf that requires grad are only allowed without autograd.
        try (NoGradGuard noGrad = new NoGradGuard()) {
            torch.uniform_(t, 2 * lo - 1, 2 * hi - 1);
            t.erfinv_();
            t.mul_(new Scalar(std * Math.sqrt(2.0)));
            t.add_(new Scalar(mean));
            t.clamp_(new ScalarOptional(new Scalar(a)), new ScalarOptional(new Scalar(b)));
        }
    }

    private static double normCdf(double x) {
        return (1.0 + erf(x / Math.sqrt(2.0))) / 2.0;
    }

    /** Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7): only sets the sampling bounds, so this precision is ample. */
    private static double erf(double x) {
        double s = Math.signum(x);
        double ax = Math.abs(x);
        double t = 1.0 / (1.0 + 0.3275911 * ax);
        double y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                + 0.254829592) * t * Math.exp(-ax * ax);
        return s * y;
    }
}
