package org.robustify.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import org.robustify.dist.LocalLauncher;
import org.robustify.runtime.RobustifyException;
import org.robustify.runtime.Versions;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/robustify}. */
@Command(name = "robustify", mixinStandardHelpOptions = true, versionProvider = RobustifyCli.Version.class,
        description = "Measure how vision models break under real-world shifts, and make them robust cheaply.",
        subcommands = {InfoCommand.class, DemoCommand.class, TrainCommand.class, TeacherCommand.class,
            DistillCommand.class, FinetuneCommand.class, WiseCommand.class, PredictCommand.class,
            TransferCommand.class, CorruptCommand.class, LogitsCommand.class, ReportCommand.class, TradeoffCommand.class,
            BenchCommand.class, CommandLine.HelpCommand.class})
public final class RobustifyCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (see 'robustify --help')");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code: 0 ok, 1 failure (message on stderr), 2 usage error. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /**
     * {@code --nproc N > 1} outside a distributed job: start N workers running the same command line instead of
     * running it here.
     */
    private static int launchOrRun(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult sub = parsed.subcommand();
        if (sub != null && sub.hasMatchedOption(LaunchOption.NAME)) {
            int nproc = sub.matchedOptionValue(LaunchOption.NAME, 1);
            if (nproc < 1) {
                throw new CommandLine.ParameterException(sub.commandSpec().commandLine(),
                        "--nproc must be >= 1; got " + nproc);
            }
            if (LocalLauncher.shouldLaunch(nproc, System.getenv())) {
                boolean threadsChosen = sub.hasMatchedOption("--threads")
                        || System.getenv("ROBUSTIFY_THREADS") != null;
                return LocalLauncher.run(nproc, withoutLaunchOption(parsed.originalArgs()), threadsChosen);
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** The command line minus {@code --nproc N} / {@code --nproc=N}: what each worker runs. */
    static List<String> withoutLaunchOption(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(LaunchOption.NAME)) {
                i++;
            } else if (!a.startsWith(LaunchOption.NAME + "=")) {
                out.add(a);
            }
        }
        return out;
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new RobustifyCli());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof RobustifyException) {
                err.println("robustify: error: " + e.getMessage());
            } else {
                err.println("robustify: internal error: " + e);
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        cl.setExecutionStrategy(RobustifyCli::launchOrRun);
        // Usage errors (exit 2): the message and where to find help, not the whole usage text.
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            PrintWriter err = c.getErr();
            err.println("robustify: error: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("(see '" + c.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return c.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"robustify " + Versions.robustify()};
        }
    }
}
