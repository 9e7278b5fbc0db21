package dev.portrait.cli.eval;

import dev.portrait.eval.MovieLensEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code portrait eval movielens}: the flags of {@link MovieLensEval}, which says what it measures and how. */
@Command(name = "movielens", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Temporal leave-last-out HR@10, NDCG@10, Recall@20 of the streaming recommender against "
                + "popularity, ItemKNN and EASE on MovieLens (u.data, u.item, u.genre in DIR, or a ratings FILE "
                + "in u.data's format with --items and --genres); also the sampled "
                + "(1 + 100) protocol.")
final class MovieLensCommand extends EvalOutput implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR|FILE",
            description = "A folder with u.data (and u.item, u.genre for genres), or a ratings file in u.data's format.")
    Path folder;

    @Option(names = "--items", paramLabel = "FILE",
            description = "Items with genre flags in u.item's format (default: u.item beside the ratings, if a folder was given).")
    Path itemsFile;

    @Option(names = "--genres", paramLabel = "FILE",
            description = "Genre names in u.genre's format (default: u.genre beside the ratings, if a folder was given).")
    Path genresFile;

    @Option(names = "--knn", defaultValue = "100", description = "Neighbours of offline ItemKNN (default ${DEFAULT-VALUE}).")
    int knn;

    @Option(names = "--lambdas", split = ",", defaultValue = "50,100,200,400,800",
            description = "EASE's λ candidates, chosen on validation (default ${DEFAULT-VALUE}).")
    double[] lambdas;

    @Option(names = "--negatives", defaultValue = "100", description = "Sampled negatives per user (default ${DEFAULT-VALUE}).")
    int negatives;

    @Option(names = "--tune", negatable = true, defaultValue = "false",
            description = "Search the streaming recommender's settings on the validation split (coordinate ascent, "
                    + "about a minute) instead of using the settings that search chose before (docs/EVALUATION.md).")
    boolean tune;

    @Override
    public Integer call() {
        boolean isFolder = Files.isDirectory(folder);
        Path ratings = existing(isFolder ? folder.resolve("u.data") : folder, "ratings file");
        Path itemFlags = itemsFile != null ? existing(itemsFile, "items file") : isFolder ? folder.resolve("u.item") : null;
        Path genreNames = genresFile != null ? existing(genresFile, "genres file") : isFolder ? folder.resolve("u.genre") : null;
        MovieLensEval.Settings settings = settings(() -> new MovieLensEval.Settings(ratings, itemFlags, genreNames, knn,
                lambdas, negatives, tune, seed));
        return finish(new MovieLensEval(settings, this::progress).run());
    }
}
