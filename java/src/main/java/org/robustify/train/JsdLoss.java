package org.robustify.train;

import static org.bytedeco.pytorch.global.torch.log_softmax;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * AugMix's Jensen–Shannon consistency term (Hendrycks et al. 2020): with p_i = softmax(logits_i) for the clean image
 * and its augmented views and M = clamp(mean_i p_i, 1e-7, 1), JS = mean_i KL(p_i ‖ M), each KL summed over classes
 * and averaged over the batch (PyTorch's kl_div(log M, p_i, reduction='batchmean'), as the official code).
 */
public final class JsdLoss {
    private JsdLoss() {}

    public static Tensor of(Tensor... logits) {
        if (logits.length < 2) {
            throw new IllegalArgumentException("the consistency loss needs at least two views; got " + logits.length);
        }
        Tensor[] logP = new Tensor[logits.length];
        Tensor mix = null;
        for (int i = 0; i < logits.length; i++) {
            logP[i] = log_softmax(logits[i], 1);
            Tensor p = logP[i].exp();
            mix = mix == null ? p : mix.add(p);
        }
        Tensor logMix = mix.div(new Scalar((double) logits.length))
                .clamp(new ScalarOptional(new Scalar(1e-7)),
                        new ScalarOptional(new Scalar(1.0)))
                .log();
        Tensor sum = null;
        for (Tensor lp : logP) {
            Tensor kl = lp.exp().mul(lp.sub(logMix)).sum();
            sum = sum == null ? kl : sum.add(kl);
        }
        double rows = logits[0].size(0);
        return sum.div(new Scalar(rows * logits.length));
    }
}
