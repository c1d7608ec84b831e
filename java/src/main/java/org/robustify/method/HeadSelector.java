package org.robustify.method;

import java.util.concurrent.atomic.LongAdder;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustify.eval.Predictor;
import org.robustify.model.branch.BranchLogits;
import org.robustify.model.branch.BranchedModel;
import org.robustify.runtime.RobustifyException;

/**
 * A {@link BranchedModel} as a single classifier under a {@link HeadPolicy} (method stage 3), from one
 * {@code forwardAll} pass per batch. SELECT answers a row with the robust head when {@code u > tauU} or
 * {@code d > tauD} (see {@link HeadSignals}) and with the clean head otherwise; AVERAGE returns
 * {@code log((softmax(clean) + softmax(robust)) / 2)}; the others return their head's logits.
 *
 * <p>Counts the rows each head answered since {@link #resetRouting()}; the counters are safe to update from
 * several threads. As for every {@link Predictor}, the caller sets eval mode and opens the NoGradGuard and scope.
 */
public final class HeadSelector implements Predictor {
    private final BranchedModel model;
    private final HeadPolicy policy;
    private final Thresholds thresholds;
    private final LongAdder clean = new LongAdder();
    private final LongAdder robust = new LongAdder();
    private final LongAdder orig = new LongAdder();
    private final LongAdder average = new LongAdder();

    /** {@code thresholds} may be null for every policy but SELECT. */
    public HeadSelector(BranchedModel model, HeadPolicy policy, Thresholds thresholds) {
        if (model == null || policy == null) {
            throw new RobustifyException("a head selector needs a model and a policy");
        }
        if (policy == HeadPolicy.SELECT && thresholds == null) {
            throw new RobustifyException("the 'select' head policy needs thresholds (tau_u, tau_d): calibrate them "
                    + "or load a thresholds file");
        }
        this.model = model;
        this.policy = policy;
        this.thresholds = thresholds;
    }

    @Override
    public Tensor logits(Tensor images) {
        BranchLogits l = model.forwardAll(images);
        long rows = images.size(0);
        switch (policy) {
            case ORIG:
                orig.add(rows);
                return l.orig();
            case CLEAN:
                clean.add(rows);
                return l.clean();
            case ROBUST:
                robust.add(rows);
                return l.robust();
            case AVERAGE:
                average.add(rows);
                Tensor sum = torch.logaddexp(l.clean().log_softmax(1), l.robust().log_softmax(1));
                return sum.sub(new Scalar(Math.log(2)));
            case SELECT:
                Tensor toRobust = HeadSignals.of(l).routeToRobust(thresholds.tauU(), thresholds.tauD());
                long r = toRobust.sum().item_long();
                robust.add(r);
                clean.add(rows - r);
                return l.robust().where(toRobust.unsqueeze(1), l.clean());
            default:
                throw new IllegalStateException("unhandled policy " + policy);
        }
    }

    public HeadPolicy policy() {
        return policy;
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    public BranchedModel model() {
        return model;
    }

    /** Rows answered by each head since the last reset (or construction). */
    public HeadRouting routing() {
        return new HeadRouting(clean.sum(), robust.sum(), orig.sum(), average.sum());
    }

    public void resetRouting() {
        clean.reset();
        robust.reset();
        orig.reset();
        average.reset();
    }
}
