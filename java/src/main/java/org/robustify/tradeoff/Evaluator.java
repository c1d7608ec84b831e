package org.robustify.tradeoff;

import org.robustify.attack.AdversarialEval;
import org.robustify.attack.AttackOptions;
import org.robustify.corrupt.Corruption;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.eval.CorruptionSuite;
import org.robustify.eval.SuiteOptions;
import org.robustify.model.ImageClassifier;
import org.robustify.train.Evaluation;

/**
 * One logged point: clean accuracy and PGD accuracy on the first {@code evalImages} test images, the mean accuracy
 * over the 15 benchmark corruptions at one severity on the first {@code corruptionImages} (if any), and clean
 * accuracy on the first {@code valImages} held-out validation images (if any). The attack's random starts are
 * seeded, so the same model gives the same point.
 */
final class Evaluator {
    private static final int BATCH = 128;

    private final TradeoffSettings settings;
    private final ImageDataset test;
    private final ImageDataset validation;
    private final AttackOptions pgd;

    /** {@code validation}: the held-out images (empty or null: no validation accuracy). */
    Evaluator(TradeoffSettings settings, ImageDataset test, ImageDataset validation) {
        this.settings = settings;
        this.test = test;
        this.validation = validation == null || validation.size() == 0 ? null
                : validation.head(settings.valImages());
        this.pgd = AttackOptions.pgd(settings.pgdEpsilon(), settings.pgdStep(), settings.pgdSteps())
                .withSeed(settings.seed());
    }

    /** {@code trainLoss}: the mean training loss since the previous point, recorded with it. */
    TradeoffPoint evaluate(ImageClassifier model, long step, double trainLoss) {
        ImageDataset clean = test.head(settings.evalImages());
        double cleanAcc = Evaluation.evaluate(model, clean, BATCH, FashionMnist.MEAN, FashionMnist.STD).accuracy();
        double robust = AdversarialEval.accuracy(model, clean, FashionMnist.MEAN, FashionMnist.STD, pgd,
                settings.evalImages(), BATCH).accuracy();
        double corruption = Double.NaN;
        if (settings.corruptionImages() > 0) {
            SuiteOptions o = new SuiteOptions(BATCH, settings.seed(), Corruption.benchmark(),
                    new int[] {settings.corruptionSeverity()}, settings.corruptionImages(), false, null, null);
            corruption = CorruptionSuite.run(model, test, FashionMnist.MEAN, FashionMnist.STD, o)
                    .meanCorruptionAccuracy();
        }
        double val = validation == null ? Double.NaN
                : Evaluation.evaluate(model, validation, BATCH, FashionMnist.MEAN, FashionMnist.STD).accuracy();
        return new TradeoffPoint(step, cleanAcc, robust, corruption, val, trainLoss);
    }
}
