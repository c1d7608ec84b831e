package org.robustify.cli;

import java.io.PrintWriter;

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
