package org.robustify.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustify.loss.DistillOptions;
import org.robustify.loss.DistillationLoss;
import org.robustify.runtime.NativeRuntime;

/**
 * Peak extra memory of one KD + CE forward + backward: the rise of the process's peak resident set (VmHWM) over the
 * call, with inputs already allocated and touched. Run once per (mode, B, C) in a fresh JVM (peaks only grow).
 * usage: LossMemoryProbe fused|composition B C  -> prints the byte count
 */
public final class LossMemoryProbe {
    private LossMemoryProbe() {}

    static long peakBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new IllegalStateException("no VmHWM in /proc/self/status");
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int b = Integer.parseInt(args[1]);
        int c = Integer.parseInt(args[2]);
        NativeRuntime.init(1);
        torch.manual_seed(0);
        Tensor student = torch.randn(b, c).requires_grad_(true);
        Tensor teacher = torch.randn(b, c);
        Tensor labels = torch.randint(c, new long[] {b});
        // The gradient buffer of the leaf exists in both modes: allocate it before measuring.
        student.mutable_grad().put(torch.zeros_like(student));
        // Warm up code paths on a tiny problem so one-time allocations do not count.
        Tensor tiny = torch.randn(2, 3).requires_grad_(true);
        LossComposition.loss(tiny, torch.randn(2, 3), torch.randint(3, new long[] {2}), 4).backward();
        DistillationLoss.compute(torch.randint(3, new long[] {2}),
                new DistillationLoss.Pair(tiny, torch.randn(2, 3), DistillOptions.defaults())).backward();
        DistillationLoss.computeAndBackward(torch.randint(3, new long[] {2}),
                new DistillationLoss.Pair(tiny, torch.randn(2, 3), DistillOptions.defaults()));
        System.gc();
        long before = peakBytes();
        DistillationLoss.Pair pair = new DistillationLoss.Pair(student, teacher, DistillOptions.defaults().withTemperature(4));
        switch (mode) {
            case "fused" -> DistillationLoss.computeAndBackward(labels, pair);
            case "fused-autograd" -> DistillationLoss.compute(labels, pair).backward();
            case "composition" -> LossComposition.loss(student, teacher, labels, 4).backward();
            default -> throw new IllegalArgumentException("mode must be fused, fused-autograd or composition; got " + mode);
        }
        System.out.println(peakBytes() - before);
    }
}
