package org.robustify.attack;

import org.robustify.runtime.RobustifyException;

/**
 * One attack's settings, in [0,1] pixel units: the ball radius {@code epsilon}, the step per iteration, the number of
 * iterations, whether the first iterate is drawn uniformly from the ball, and the seed of that draw.
 */
public record AttackOptions(AttackNorm norm, double epsilon, double stepSize, int steps, boolean randomStart,
        long seed) {

    public AttackOptions {
        if (norm == null) {
            throw new RobustifyException("attack norm must be given (linf or l2)");
        }
        if (!Double.isFinite(epsilon) || epsilon < 0) {
            throw new RobustifyException("attack epsilon must be finite and >= 0; got " + epsilon);
        }
        if (norm == AttackNorm.LINF && epsilon > 1) {
            throw new RobustifyException("L-inf attack epsilon must be <= 1 (pixels are in [0,1]); got " + epsilon);
        }
        if (!Double.isFinite(stepSize) || stepSize < 0) {
            throw new RobustifyException("attack step size must be finite and >= 0; got " + stepSize);
        }
        if (steps < 1) {
            throw new RobustifyException("attack steps must be >= 1; got " + steps);
        }
    }

    /** FGSM: one L-inf signed-gradient step of size eps from the clean image. */
    public static AttackOptions fgsm(double eps) {
        return new AttackOptions(AttackNorm.LINF, eps, eps, 1, false, 0);
    }

    /** PGD (Madry et al.): L-inf, random start in the ball, {@code steps} signed steps of {@code step}. */
    public static AttackOptions pgd(double eps, double step, int steps) {
        return new AttackOptions(AttackNorm.LINF, eps, step, steps, true, 0);
    }

    public AttackOptions withSeed(long newSeed) {
        return new AttackOptions(norm, epsilon, stepSize, steps, randomStart, newSeed);
    }

    public AttackOptions withNorm(AttackNorm newNorm) {
        return new AttackOptions(newNorm, epsilon, stepSize, steps, randomStart, seed);
    }

    /** "fgsm" for a single step from the clean image, else "pgd". */
    public String kind() {
        return steps == 1 && !randomStart ? "fgsm" : "pgd";
    }
}
