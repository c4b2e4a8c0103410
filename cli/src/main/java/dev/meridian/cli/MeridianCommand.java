package dev.meridian.cli;

import dev.meridian.cli.demo.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bin/meridian} launcher: one command with a subcommand per job. Parsing, help and
 * usage errors come from picocli; each subcommand returns its process exit code.
 */
@Command(name = "meridian", mixinStandardHelpOptions = true, version = "Meridian 0.1.0-SNAPSHOT",
    description = "Active-active, multi-region tables behind a JDBC URL.",
    subcommands = {PeerCommand.class, SqlCommand.class, RepairCommand.class, CertCommand.class,
        DemoCommand.class,
        CommandLine.HelpCommand.class})
public final class MeridianCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "name a subcommand: peer, sql, repair, demo");
  }

  /** Runs the launcher and exits with the subcommand's code. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new MeridianCommand()).execute(args));
  }
}
