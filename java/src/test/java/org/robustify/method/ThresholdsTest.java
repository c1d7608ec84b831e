package org.robustify.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.model.branch.BranchedModel;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

class ThresholdsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    @Test
    void roundTripAndFingerprintCheck() throws IOException {
        try (PointerScope scope = new PointerScope()) {
            BranchedModel b = MethodFixtures.branched(31);
            String fp = ModelFingerprint.of(b);
            assertTrue(fp.matches("sha256:[0-9a-f]{64}"), fp);
            Thresholds t = new Thresholds(0.25, Double.POSITIVE_INFINITY, fp, "toy data",
                    new Thresholds.Accuracies(0.9, 0.6), new Thresholds.Accuracies(0.91, 0.5),
                    new Thresholds.Accuracies(0.85, 0.62), new Thresholds.Accuracies(0.1, 0.7));
            Path file = dir.resolve("thresholds.json");
            t.save(file);
            assertTrue(Files.readString(file).contains("\"tau_d\" : \"inf\""), Files.readString(file));
            assertEquals(t, Thresholds.load(file, b));

            // Same seed, same weights: same fingerprint; a moved head (the branch was trained more): refused.
            assertEquals(fp, ModelFingerprint.of(MethodFixtures.branched(31)));
            BranchedModel other = MethodFixtures.branched(31);
            try (NoGradGuard g = new NoGradGuard()) {
                other.robust.bias().add_(new Scalar(1e-3));
            }
            String otherFp = ModelFingerprint.of(other);
            assertNotEquals(fp, otherFp);
            assertEquals(ModelFingerprint.ofOriginal(b), ModelFingerprint.ofOriginal(other),
                    "the original path did not change");
            RobustifyException e = assertThrows(RobustifyException.class, () -> Thresholds.load(file, other));
            assertTrue(e.getMessage().contains(fp) && e.getMessage().contains(otherFp), e.getMessage());

            Path manual = dir.resolve("manual.json");
            Thresholds.manual(0.5, 0.1).save(manual);
            assertEquals(Thresholds.manual(0.5, 0.1), Thresholds.read(manual));
            assertTrue(assertThrows(RobustifyException.class, () -> Thresholds.load(manual, b)).getMessage()
                    .contains("no model fingerprint"));
        }
    }

    @Test
    void badFilesAreReported() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"tau_u\": \"high\", \"tau_d\": 1}");
        assertTrue(assertThrows(RobustifyException.class, () -> Thresholds.read(file)).getMessage()
                .contains("tau_u must be a number"));
        Files.writeString(file, "{\"other\": 1}");
        assertTrue(assertThrows(RobustifyException.class, () -> Thresholds.read(file)).getMessage()
                .contains("not a thresholds file"));
    }

    @Test
    void fingerprintOfResNet18IsFast() {
        try (PointerScope scope = new PointerScope()) {
            BranchedModel b = MethodFixtures.branched(32);
            ModelFingerprint.of(b);
            long start = System.nanoTime();
            ModelFingerprint.of(b);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("fingerprint of resnet18+branch (%d parameters): %.3f s%n",
                    org.robustify.model.Parameters.count(b, false), seconds);
            assertTrue(seconds < 1.0, "fingerprint took " + seconds + " s");
        }
    }
}
