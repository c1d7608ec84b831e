package org.robustify.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.robustify.runtime.RobustifyException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a run stands, besides its tensors: enough to continue exactly. The data order needs no more than
 * (seed, epoch, batch): {@link org.robustify.data.BatchLoader}'s order is a pure function of (seed, epoch), so a
 * resumed epoch regenerates its permutation and skips the batches already trained. The scheduler's position is the
 * global step ({@link LrSchedule} is a pure function of it).
 *
 * @param globalStep   optimiser updates done so far
 * @param epoch        0-based epoch in progress (or next to start when {@code batchInEpoch} is 0)
 * @param batchInEpoch batches of {@code epoch} already trained
 * @param lossSum      running sums of the epoch in progress, so its metrics line is the uninterrupted one
 */
public record TrainingState(long globalStep, int epoch, int batchInEpoch, double lossSum, long correct, long seen,
        double trainSeconds) {
    public static final int FORMAT = 1;

    public static TrainingState start() {
        return new TrainingState(0, 0, 0, 0, 0, 0, 0);
    }

    /** The same position without the epoch's running sums (in a data-parallel run only rank 0 carries them). */
    public TrainingState withoutSums() {
        return new TrainingState(globalStep, epoch, batchInEpoch, 0, 0, 0, trainSeconds);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("global_step", globalStep);
        m.put("epoch", epoch);
        m.put("batch_in_epoch", batchInEpoch);
        m.put("epochs_completed", epoch);
        Map<String, Object> running = new LinkedHashMap<>();
        running.put("loss_sum", lossSum);
        running.put("correct", correct);
        running.put("seen", seen);
        m.put("epoch_running", running);
        m.put("train_seconds", trainSeconds);
        return m;
    }

    public static TrainingState fromJson(JsonNode n, String where) {
        if (n.path("format").asInt(-1) != FORMAT) {
            throw new RobustifyException(where + ": unsupported checkpoint state format "
                    + n.path("format") + " (this build reads " + FORMAT + ")");
        }
        for (String key : new String[] {"global_step", "epoch", "batch_in_epoch", "epoch_running",
                "train_seconds"}) {
            if (!n.has(key)) {
                throw new RobustifyException(where + ": checkpoint state lacks '" + key + "'");
            }
        }
        JsonNode r = n.get("epoch_running");
        return new TrainingState(n.get("global_step").asLong(), n.get("epoch").asInt(),
                n.get("batch_in_epoch").asInt(), r.path("loss_sum").asDouble(), r.path("correct").asLong(),
                r.path("seen").asLong(), n.get("train_seconds").asDouble());
    }
}
