package dev.portrait.server.http;

import io.javalin.http.Context;

/** The {@code cursor} and {@code limit} query parameters of every listing. */
record Paging(String cursor, int limit) {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1_000;

    static Paging of(Context ctx) {
        String cursor = ctx.queryParam("cursor");
        String limitText = ctx.queryParam("limit");
        int limit = DEFAULT_LIMIT;
        if (limitText != null && !limitText.isEmpty()) {
            try {
                limit = Integer.parseInt(limitText.strip());
            } catch (NumberFormatException e) {
                throw ApiError.invalidParameter("limit", "limit must be a whole number from 1 to " + MAX_LIMIT
                        + ", got " + shown(limitText));
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw ApiError.invalidParameter("limit", "limit must be from 1 to " + MAX_LIMIT + ", got " + limit);
            }
        }
        return new Paging(cursor == null || cursor.isEmpty() ? null : cursor, limit);
    }

    private static String shown(String s) {
        return '"' + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + '"';
    }
}
