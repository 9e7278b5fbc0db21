package dev.portrait.cli.eval;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "retail")
final class RetailEval extends EvalOutput implements Callable<Integer> {
    @Override
    public Integer call() {
        return 1;
    }
}
