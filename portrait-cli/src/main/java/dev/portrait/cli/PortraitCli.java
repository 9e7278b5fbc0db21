package dev.portrait.cli;

import dev.portrait.core.PortraitException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code portrait} command. Exit codes: 0 done, 1 not found or failed, 2 a usage error (picocli's
 * own code for bad arguments, also used for files that do not exist and definitions that do not load).
 */
@Command(name = "portrait",
        mixinStandardHelpOptions = true,
        versionProvider = PortraitCli.Version.class,
        description = "A live user-profile engine: Segment events in, profiles, features and segments out.",
        subcommands = {ServeCommand.class, ImportCommand.class, DemoCommand.class, ProfileCommand.class,
                RebuildCommand.class, BackupCommand.class, RestoreCommand.class, dev.portrait.cli.eval.EvalCommand.class,
                CommandLine.HelpCommand.class})
public final class PortraitCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
        // serve and demo return only after their shutdown; every other command returns when done
        System.exit(code);
    }

    /** The command with its outputs and error handling set up; tests call {@code execute} on it. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new PortraitCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(PortraitCli::failed);
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: serve, import, demo, profile, "
                + "rebuild, backup, restore or eval (portrait help COMMAND tells more)");
    }

    /** One line a person can act on; the stack trace only when PORTRAIT_DEBUG is set. */
    private static int failed(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String what = e instanceof PortraitException || e instanceof UsageProblem ? e.getMessage()
                : e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
        err.println("portrait " + cl.getCommandName() + ": " + what);
        if (System.getenv("PORTRAIT_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return e instanceof UsageProblem ? CommandLine.ExitCode.USAGE : CommandLine.ExitCode.SOFTWARE;
    }

    /**
     * A problem with what the user asked for that is only found once a command runs (a definition that
     * does not load, an unknown identifier type): exit code 2 like picocli's own usage errors, but
     * without the usage text, which would bury the one line that matters.
     */
    static final class UsageProblem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageProblem(String message) {
            super(message);
        }

        UsageProblem(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PortraitCli.class.getPackage().getImplementationVersion();
            return new String[] {"portrait " + (v == null ? "(development build)" : v)};
        }
    }
}
