package org.robustify.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BarrierOptions;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.gloo.Device;

/**
 * c10d's Gloo backend over a c10d TCPStore rendezvous (rank 0 hosts the store at MASTER_ADDR:MASTER_PORT), exactly
 * what {@code torch.distributed.init_process_group("gloo")} builds. The c10d {@code ProcessGroup} wrapper and its
 * {@code Reducer} (DDP's bucketing engine) are not usable from the presets (constructing a ProcessGroup aborts in
 * intrusive_ptr), so the backend is driven directly; bucketing lives in {@link GradientSync}.
 */
final class GlooCollectives implements Collectives {
    private final DistEnv env;
    private final TCPStore store;
    private final ProcessGroupGloo.Options options;
    private final ProcessGroupGloo group;
    private final Milliseconds timeout;
    private long nanosInCollectives;
    private boolean closed;

    private GlooCollectives(DistEnv env, TCPStore store, ProcessGroupGloo.Options options, ProcessGroupGloo group,
            Milliseconds timeout) {
        this.env = env;
        this.store = store;
        this.options = options;
        this.group = group;
        this.timeout = timeout;
    }

    static GlooCollectives connect(DistEnv env) {
        String where = env.masterAddr() + ":" + env.masterPort();
        Milliseconds timeout = new Milliseconds(env.timeoutSeconds() * 1000L);
        TCPStore store;
        try {
            TCPStoreOptions so = new TCPStoreOptions();
            so.port((short) env.masterPort());
            so.isServer(env.rank() == 0);
            so.numWorkers(new SizeTPointer(1).put(env.worldSize()));
            so.waitWorkers(true);
            so.timeout(timeout);
            store = new TCPStore(env.masterAddr(), so);
        } catch (RuntimeException e) {
            throw new CommunicationFailure(String.format(Locale.ROOT, "rank %d of %d: rendezvous at %s failed "
                    + "within %d s (%s): are all %d ranks started with the same MASTER_ADDR/MASTER_PORT, and is "
                    + "the port free on rank 0?", env.rank(), env.worldSize(), where, env.timeoutSeconds(),
                    firstLine(e), env.worldSize()), e);
        }
        try {
            ProcessGroupGloo.Options options = new ProcessGroupGloo.Options(timeout);
            options.devices(new GlooDeviceVector(device(env)));
            ProcessGroupGloo group = new ProcessGroupGloo(store, env.rank(), env.worldSize(), options);
            return new GlooCollectives(env, store, options, group, timeout);
        } catch (RuntimeException e) {
            throw new CommunicationFailure(String.format(Locale.ROOT, "rank %d of %d: connecting the Gloo group "
                    + "through %s failed: %s", env.rank(), env.worldSize(), where, firstLine(e)), e);
        }
    }

    /** The interface Gloo binds: GLOO_SOCKET_IFNAME as in PyTorch, loopback for a local job, else the hostname's. */
    private static Device device(DistEnv env) {
        String ifname = System.getenv("GLOO_SOCKET_IFNAME");
        if (ifname != null && !ifname.isBlank()) {
            return ProcessGroupGloo.createDeviceForInterface(ifname.split(",")[0].trim());
        }
        String addr = env.masterAddr();
        if (addr.startsWith("127.") || addr.equals("localhost") || addr.equals("::1")) {
            return ProcessGroupGloo.createDeviceForHostname("127.0.0.1");
        }
        return ProcessGroupGloo.createDefaultDevice();
    }

    @Override
    public int rank() {
        return env.rank();
    }

    @Override
    public int worldSize() {
        return env.worldSize();
    }

    @Override
    public void allReduceSum(List<Tensor> tensors, String what) {
        run(what, () -> {
            List<Work> works = new ArrayList<>(tensors.size());
            for (Tensor t : tensors) {
                AllreduceOptions o = new AllreduceOptions();
                o.reduceOp(new ReduceOp(ReduceOp.RedOpType.SUM));
                o.timeout(timeout);
                works.add(group.allreduce(new TensorVector(t), o));
            }
            for (Work w : works) {
                w._wait(timeout);
            }
        });
    }

    @Override
    public void broadcast(List<Tensor> tensors, int root, String what) {
        run(what, () -> {
            List<Work> works = new ArrayList<>(tensors.size());
            for (Tensor t : tensors) {
                BroadcastOptions o = new BroadcastOptions();
                o.rootRank(root);
                o.rootTensor(0);
                o.timeout(timeout);
                works.add(group.broadcast(new TensorVector(t), o));
            }
            for (Work w : works) {
                w._wait(timeout);
            }
        });
    }

    @Override
    public void barrier(String what) {
        run(what, () -> {
            BarrierOptions o = new BarrierOptions();
            o.timeout(timeout);
            group.barrier(o)._wait(timeout);
        });
    }

    @Override
    public double communicationSeconds() {
        return nanosInCollectives / 1e9;
    }

    private void run(String what, Runnable op) {
        if (closed) {
            throw new IllegalStateException("collectives already closed");
        }
        long start = System.nanoTime();
        try {
            op.run();
        } catch (RuntimeException e) {
            throw new CommunicationFailure(String.format(Locale.ROOT, "rank %d of %d: %s failed (%s): another "
                    + "rank died or stopped answering within %d s; see the first error printed by the other ranks",
                    env.rank(), env.worldSize(), what, firstLine(e), env.timeoutSeconds()), e);
        } finally {
            nanosInCollectives += System.nanoTime() - start;
        }
    }

    private static String firstLine(RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).trim();
    }

    @Override
    public void close() {
        closed = true;
        // The group and store are released with the process: c10d's shutdown waits on peers that may be gone.
    }
}
