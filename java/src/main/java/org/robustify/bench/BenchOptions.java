package org.robustify.bench;

import java.util.List;
import java.util.Set;

import org.robustify.attack.AttackNorm;
import org.robustify.attack.AttackOptions;
import org.robustify.corrupt.Corruption;
import org.robustify.eval.SuiteOptions;
import org.robustify.runtime.RobustifyException;

/**
 * How a benchmark runs.
 *
 * @param limit           first N images of the data for clean, calibration and attacks (0: all)
 * @param corruptionLimit first N images for the corruption suite (0: all)
 * @param pgdStep         PGD step; 0 means 2.5·eps/steps (Madry et al.)
 * @param imagenet        the data is ImageNet: also report mCE against AlexNet's published errors
 * @param corruptions     the corruption suite's corruptions, in report order (null: the 15 benchmark ones)
 * @param severities      its severities, in report order (null: 1..5)
 */
public record BenchOptions(Set<BenchSuite> suites, int limit, int corruptionLimit, List<Double> epsilons,
        AttackNorm norm, int pgdSteps, double pgdStep, long seed, int batchSize, boolean imagenet,
        List<Corruption> corruptions, List<Integer> severities) {

    public BenchOptions {
        if (suites == null || suites.isEmpty()) {
            throw new RobustifyException("no suite to run");
        }
        if (limit < 0 || corruptionLimit < 0) {
            throw new RobustifyException("--limit and --corruption-limit must be >= 0 (0 = all)");
        }
        if (batchSize < 1) {
            throw new RobustifyException("--batch-size must be >= 1; got " + batchSize);
        }
        if (pgdSteps < 1) {
            throw new RobustifyException("--pgd-steps must be >= 1; got " + pgdSteps);
        }
        if ((suites.contains(BenchSuite.FGSM) || suites.contains(BenchSuite.PGD))
                && (epsilons == null || epsilons.isEmpty())) {
            throw new RobustifyException("--eps must list at least one epsilon for fgsm/pgd");
        }
        corruptions = corruptions == null ? Corruption.benchmark() : List.copyOf(corruptions);
        severities = severities == null ? List.of(1, 2, 3, 4, 5) : List.copyOf(severities);
        // The suite's own checks (no identity, no duplicates, severities 1..5) fail here, before any work.
        suiteOptions(corruptions, severities, corruptionLimit, seed, batchSize);
        suites = Set.copyOf(suites);
        epsilons = epsilons == null ? List.of() : List.copyOf(epsilons);
        for (double eps : epsilons) {
            fgsm(eps, norm);
        }
    }

    /** Options of the corruption suite (corruptions, severities, limit, seed, batch size; progress on). */
    public SuiteOptions suiteOptions() {
        return suiteOptions(corruptions, severities, corruptionLimit, seed, batchSize);
    }

    private static SuiteOptions suiteOptions(List<Corruption> corruptions, List<Integer> severities,
            int corruptionLimit, long seed, int batchSize) {
        return SuiteOptions.defaults().withCorruptions(corruptions)
                .withSeverities(severities.stream().mapToInt(Integer::intValue).toArray()).withLimit(corruptionLimit)
                .withSeed(seed).withBatchSize(batchSize).withProgress(true);
    }

    public boolean has(BenchSuite s) {
        return suites.contains(s);
    }

    /** A single step of size eps (FGSM for L-inf; the fast gradient method for L2). */
    static AttackOptions fgsm(double eps, AttackNorm norm) {
        return new AttackOptions(norm, eps, eps, 1, false, 0);
    }

    AttackOptions pgd(double eps) {
        double step = pgdStep > 0 ? pgdStep : 2.5 * eps / pgdSteps;
        return new AttackOptions(norm, eps, step, pgdSteps, true, seed);
    }
}
