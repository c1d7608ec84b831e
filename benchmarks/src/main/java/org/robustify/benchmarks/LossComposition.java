package org.robustify.benchmarks;

import static org.bytedeco.pytorch.global.torch.cross_entropy;
import static org.bytedeco.pytorch.global.torch.kl_div;
import static org.bytedeco.pytorch.global.torch.log_softmax;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/** The unfused KD + CE loss as users write it with libtorch ops (same as benchmarks/peers/loss.py). */
final class LossComposition {
    private LossComposition() {}

    private static final long SUM = 2; // at::Reduction::Sum

    static Tensor loss(Tensor student, Tensor teacher, Tensor labels, double temperature) {
        Scalar t = new Scalar(temperature);
        Tensor kd = kl_div(log_softmax(student.div(t), 1), log_softmax(teacher.div(t), 1), SUM, true)
                .div(new Scalar((double) student.size(0))); // batchmean
        return cross_entropy(student, labels).add(kd.mul(new Scalar(temperature * temperature)));
    }
}
