package dev.portrait.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MovieLens in its 100K layout: {@code u.data} (user, item, rating, unix seconds; tab separated),
 * {@code u.item} (pipe separated, latin-1, the last 19 fields genre flags) and {@code u.genre} (name|index).
 * Users and items are renumbered densely in order of first appearance in the time-ordered stream.
 * Ratings are sorted by time; ties keep file order, so "a user's last rating" is well defined.
 */
final class MovieLensData {
    /** One rating; {@code index} is its position in the time-ordered stream. */
    record Rating(int index, int user, int item, int stars, long timeMillis) {
    }

    final List<Rating> ratings;
    final int users;
    final int items;
    final String[] itemIds;
    /** The first genre flag of each item (the catalogue's one category), or null. */
    final String[] genreOf;
    /** Every genre flag of each item. */
    final String[][] genresOf;

    private MovieLensData(List<Rating> ratings, int users, String[] itemIds, String[][] genresOf) {
        this.ratings = ratings;
        this.users = users;
        this.items = itemIds.length;
        this.itemIds = itemIds;
        this.genresOf = genresOf;
        this.genreOf = new String[itemIds.length];
        for (int i = 0; i < itemIds.length; i++) {
            genreOf[i] = genresOf[i].length == 0 ? null : genresOf[i][0];
        }
    }

    /**
     * Reads the ratings and, when given (null: none), the items' genre flags and the genre names.
     */
    static MovieLensData read(Path data, Path items, Path genre) {
        record Raw(String user, String item, int stars, long seconds, int line) {
        }
        List<Raw> raw = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(data, StandardCharsets.ISO_8859_1)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length < 4) {
                    throw new IllegalArgumentException(data + " line " + n + ": expected user, item, rating, timestamp "
                            + "separated by tabs, got \"" + line + "\"");
                }
                raw.add(new Raw(f[0].trim(), f[1].trim(), Integer.parseInt(f[2].trim()), Long.parseLong(f[3].trim()), n));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        raw.sort((a, b) -> a.seconds != b.seconds ? Long.compare(a.seconds, b.seconds) : Integer.compare(a.line, b.line));

        Map<String, String[]> genresById = readGenres(items, genre);
        Map<String, Integer> userIndex = new HashMap<>();
        Map<String, Integer> itemIndex = new HashMap<>();
        List<String> itemIds = new ArrayList<>();
        List<Rating> ratings = new ArrayList<>(raw.size());
        for (Raw x : raw) {
            int u = userIndex.computeIfAbsent(x.user, k -> userIndex.size());
            int i = itemIndex.computeIfAbsent(x.item, k -> {
                itemIds.add(k);
                return itemIds.size() - 1;
            });
            ratings.add(new Rating(ratings.size(), u, i, x.stars, x.seconds * 1000));
        }
        String[][] genres = new String[itemIds.size()][];
        for (int i = 0; i < genres.length; i++) {
            genres[i] = genresById.getOrDefault(itemIds.get(i), new String[0]);
        }
        return new MovieLensData(List.copyOf(ratings), userIndex.size(), itemIds.toArray(String[]::new), genres);
    }

    private static Map<String, String[]> readGenres(Path items, Path genre) {
        Map<String, String[]> out = new HashMap<>();
        if (items == null || !Files.exists(items)) {
            return out;
        }
        List<String> names = new ArrayList<>();
        try {
            if (genre != null && Files.exists(genre)) {
                for (String line : Files.readAllLines(genre, StandardCharsets.ISO_8859_1)) {
                    String[] f = line.split("\\|");
                    if (f.length >= 2 && !f[0].isBlank()) {
                        int at = Integer.parseInt(f[1].trim());
                        while (names.size() <= at) {
                            names.add("genre" + names.size());
                        }
                        names.set(at, f[0].trim());
                    }
                }
            }
            for (String line : Files.readAllLines(items, StandardCharsets.ISO_8859_1)) {
                String[] f = line.split("\\|", -1);
                if (f.length < 20) {
                    continue;
                }
                List<String> g = new ArrayList<>();
                for (int k = 0; k < 19; k++) {
                    if ("1".equals(f[f.length - 19 + k].trim())) {
                        g.add(k < names.size() ? names.get(k) : "genre" + k);
                    }
                }
                // "unknown" is the flag of a movie with no genre, not a taste
                g.remove("unknown");
                out.put(f[0].trim(), g.toArray(String[]::new));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Each user's ratings, in stream order. */
    int[][] ratingsByUser() {
        int[] counts = new int[users];
        for (Rating r : ratings) {
            counts[r.user()]++;
        }
        int[][] out = new int[users][];
        for (int u = 0; u < users; u++) {
            out[u] = new int[counts[u]];
        }
        Arrays.fill(counts, 0);
        for (Rating r : ratings) {
            out[r.user()][counts[r.user()]++] = r.index();
        }
        return out;
    }
}
