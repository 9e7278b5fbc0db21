package dev.portrait.server.console;

import dev.portrait.server.port.QueryPort;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The console at {@code /console}: pages in a browser over the same API, behind the same keys.
 *
 * <p><b>Sign-in.</b> The sign-in page is the only thing served without a session. It posts a read or admin key
 * once; the server keeps a session ({@link ConsoleSessions}) and the browser holds only its id, in an
 * {@code HttpOnly; SameSite=Strict; Path=/console} cookie ({@code Secure} over TLS). The key never reaches a
 * URL, the page's scripts or local storage.
 *
 * <p><b>Data.</b> The pages read {@code /console/data/...}. The API's own routes are declared a second time under
 * that prefix ({@link #DATA}) by {@code http.HttpApi}, with {@link #guard} in front of the very same handler
 * instead of a key check: the console shows exactly what the API answers, and there is no second
 * implementation of any query to drift. Only the session ({@code /console/data/session}) and the overview's
 * samples ({@code /console/data/overview}) are the console's own.
 *
 * <p><b>CSRF.</b> SameSite=Strict keeps the cookie off requests started by other sites, and every
 * state-changing request must also carry the session's token in {@link #CSRF_HEADER}, which only a page that
 * could read {@code /console/data/session} knows (the API's CORS answer is {@code *}, which a browser never
 * honours for a request with cookies). The sign-in post, which has no session yet, is refused when its
 * {@code Origin} is another site.
 */
public final class Console implements AutoCloseable {
    /** Where the API's routes are mirrored behind the console's session. */
    public static final String DATA = "/console/data";
    /** The header that carries the session's CSRF token on state-changing requests. */
    public static final String CSRF_HEADER = "X-Portrait-Csrf";
    static final String COOKIE = "portrait_console";
    /** Idle time after which a session ends. */
    static final Duration IDLE = Duration.ofMinutes(30);
    /** The pages behind the session, each {@code portrait/console/<page>.html} with its script in assets/. */
    static final List<String> PAGES = List.of("overview", "profile", "segments", "quarantine", "models", "api");

    private static final String ROOT = "portrait/console/";
    private static final String WEBJARS = "META-INF/resources/webjars/";
    /** The request attribute HttpApi's metrics label a request with (http.HttpApi.ROUTE). */
    private static final String ROUTE = "portrait.route";

    private final Function<String, Optional<ConsoleRole>> roles;
    private final ConsoleSessions sessions;
    private final PipelineSamples samples;
    private final ConsoleAssets assets = new ConsoleAssets();
    private final ScheduledExecutorService sampler;

    private Console(Function<String, Optional<ConsoleRole>> roles, ConsoleSessions sessions, PipelineSamples samples) {
        this.roles = roles;
        this.sessions = sessions;
        this.samples = samples;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portrait-console-samples");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A console that signs in with the keys {@code roles} knows and samples the server's meters once a second.
     *
     * @param roles  the console role a key gives (empty: unknown key, or a write key)
     * @param query  the query side, for segment sizes
     * @param meters the registry the server's counters and gauges are on
     * @param clock  session idle expiry and sample times
     */
    public static Console create(Function<String, Optional<ConsoleRole>> roles, QueryPort query, MeterRegistry meters,
                                 Clock clock) {
        Objects.requireNonNull(roles, "roles");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(meters, "meters");
        Objects.requireNonNull(clock, "clock");
        return new Console(roles, new ConsoleSessions(clock, IDLE), new PipelineSamples(meters, query, clock));
    }

    /** Declares the console's pages and its own data routes, and runs the sampler while the server runs. */
    public void register(JavalinConfig c) {
        route(c, HandlerType.GET, "/console", ctx -> ctx.redirect(session(ctx).isPresent()
                ? "/console/overview" : "/console/signin", HttpStatus.SEE_OTHER));
        route(c, HandlerType.GET, "/console/signin", ctx -> signInPage(ctx, 200, ""));
        route(c, HandlerType.POST, "/console/signin", this::signIn);
        route(c, HandlerType.POST, "/console/signout", guard(ConsoleRole.READ, this::signOut));
        for (String page : PAGES) {
            route(c, HandlerType.GET, "/console/" + page, ctx -> page(ctx, page));
        }
        route(c, HandlerType.GET, "/console/assets/<path>", guard(ConsoleRole.READ,
                ctx -> assets.serve(ctx, ROOT + "assets/", ctx.pathParam("path"), "no-cache")));
        // versioned paths: a browser may keep them; "private" keeps them out of shared caches
        route(c, HandlerType.GET, "/console/webjars/<path>", guard(ConsoleRole.READ, this::webjar));
        route(c, HandlerType.GET, "/console/openapi.yaml", guard(ConsoleRole.READ,
                ctx -> assets.serve(ctx, ROOT, "openapi.yaml", "no-cache")));
        route(c, HandlerType.GET, DATA + "/session", guard(ConsoleRole.READ, this::sessionInfo));
        route(c, HandlerType.GET, DATA + "/overview", guard(ConsoleRole.READ, this::overview));
        c.events.serverStarted(() -> sampler.scheduleAtFixedRate(this::sampleQuietly, 0, 1, TimeUnit.SECONDS));
        c.events.serverStopping(this::close);
    }

    /**
     * {@code handler} behind the console's session: 401 without one, 403 for a read session on an admin
     * route, 403 for a state-changing request without the session's CSRF token.
     */
    public Handler guard(ConsoleRole needed, Handler handler) {
        Objects.requireNonNull(needed, "needed");
        Objects.requireNonNull(handler, "handler");
        return ctx -> {
            Optional<ConsoleSessions.Session> found = session(ctx);
            if (found.isEmpty()) {
                ConsoleAnswers.error(ctx, 401, "unauthorized", "no console session: sign in at /console/signin");
                return;
            }
            ConsoleSessions.Session s = found.get();
            if (needed == ConsoleRole.ADMIN && s.role() != ConsoleRole.ADMIN) {
                ConsoleAnswers.error(ctx, 403, "forbidden", "this session may not administer: sign in with an admin key");
                return;
            }
            if (!safe(ctx.method()) && !ConsoleSessions.csrfMatches(s, ctx.header(CSRF_HEADER))) {
                ConsoleAnswers.error(ctx, 403, "forbidden", "a console request that changes something must carry the "
                        + "session's token in " + CSRF_HEADER);
                return;
            }
            ConsoleAnswers.secure(ctx);
            ctx.header("Cache-Control", "no-store");
            ctx.attribute(ACTOR, s.actor());
            handler.handle(ctx);
        };
    }

    /**
     * The request attribute naming who acts through a console session, for the audit log (the session carries no
     * key for {@code AdminRoutes.actor} to read).
     */
    public static final String ACTOR = "portrait.console.actor";

    /** {@code key:} and 8 hex digits of the key's SHA-256, as the API's audit lines name a key. */
    private static String auditName(String key) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(
                    key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "key:" + java.util.HexFormat.of().formatHex(d, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Stops the sampler; sessions die with the process. */
    @Override
    public void close() {
        sampler.shutdownNow();
    }

    /** Takes one overview sample now (tests; the sampler does it every second). */
    void sampleNow() {
        samples.sample();
    }

    ConsoleSessions sessions() {
        return sessions;
    }

    private static void route(JavalinConfig c, HandlerType method, String path, Handler handler) {
        c.routes.addHttpHandler(method, path, ctx -> {
            ctx.attribute(ROUTE, path);
            handler.handle(ctx);
        });
    }

    private static boolean safe(HandlerType method) {
        return method == HandlerType.GET || method == HandlerType.HEAD || method == HandlerType.OPTIONS;
    }

    private Optional<ConsoleSessions.Session> session(Context ctx) {
        return sessions.touch(ctx.cookie(COOKIE));
    }

    private void page(Context ctx, String page) {
        if (session(ctx).isEmpty()) {
            ctx.header("Cache-Control", "no-store");
            ctx.redirect("/console/signin", HttpStatus.SEE_OTHER);
            return;
        }
        assets.serve(ctx, ROOT, page + ".html", "no-store");
    }

    private void signInPage(Context ctx, int status, String message) {
        String html = new String(assets.read(ROOT, "signin.html").orElseThrow(), StandardCharsets.UTF_8)
                .replace("<!--message-->", message);
        ConsoleAnswers.secure(ctx);
        ctx.header("Cache-Control", "no-store");
        ctx.status(status).contentType("text/html; charset=utf-8").result(html);
    }

    private void signIn(Context ctx) {
        if (!sameOrigin(ctx)) {
            ConsoleAnswers.error(ctx, 403, "forbidden", "sign-in is accepted from the console's own page only");
            return;
        }
        String key = ctx.formParam("key");
        Optional<ConsoleRole> role = key == null || key.isBlank() ? Optional.empty() : roles.apply(key.strip());
        if (role.isEmpty()) {
            // one message for an unknown key and a write key: which keys exist is not for this page to say
            signInPage(ctx, 401, "<p class=\"error\" role=\"alert\">That key cannot open the console: "
                    + "use a read or an admin key.</p>");
            return;
        }
        ConsoleSessions.Session s = sessions.open(role.get(), "console:" + auditName(key.strip()));
        ctx.header("Set-Cookie", cookie(s.id(), ctx.req().isSecure(), false));
        ctx.header("Cache-Control", "no-store");
        ctx.redirect("/console/overview", HttpStatus.SEE_OTHER);
    }

    private void signOut(Context ctx) {
        sessions.close(ctx.cookie(COOKIE));
        ctx.header("Set-Cookie", cookie("", ctx.req().isSecure(), true));
        ConsoleAnswers.json(ctx, 200, Map.of("signedOut", true));
    }

    /** The session cookie: never readable by scripts, never sent by another site, never outside /console. */
    static String cookie(String value, boolean secure, boolean expired) {
        return COOKIE + "=" + value + "; Path=/console; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
                + (expired ? "; Max-Age=0" : "");
    }

    /** Whether the request's Origin, when it has one, is this server as the browser addressed it. */
    private static boolean sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return true; // not a browser, or one that sends no Origin on a same-origin form post
        }
        String host = ctx.header("Host");
        return host != null && origin.equals((ctx.req().isSecure() ? "https://" : "http://") + host);
    }

    private void sessionInfo(Context ctx) {
        ConsoleSessions.Session s = session(ctx).orElseThrow();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("role", s.role().name().toLowerCase(java.util.Locale.ROOT));
        body.put("csrf", s.csrf());
        body.put("idleSeconds", sessions.idle().toSeconds());
        ConsoleAnswers.json(ctx, 200, body);
    }

    private void overview(Context ctx) {
        String sinceText = ctx.queryParam("since");
        long since = 0;
        if (sinceText != null && !sinceText.isBlank()) {
            try {
                since = Long.parseLong(sinceText.strip());
            } catch (NumberFormatException e) {
                ConsoleAnswers.error(ctx, 400, "invalid_parameter", "since must be a time in epoch milliseconds");
                return;
            }
        }
        ConsoleAnswers.json(ctx, 200, Map.of("samples",
                samples.since(since).stream().map(PipelineSamples.Sample::toJson).toList()));
    }

    private void webjar(Context ctx) {
        String path = ctx.pathParam("path");
        if (!path.startsWith("echarts/") && !path.startsWith("swagger-ui/")) {
            ConsoleAnswers.error(ctx, 404, "not_found", "no console library " + (path.length() > 60
                    ? path.substring(0, 60) + "…" : path));
            return;
        }
        assets.serve(ctx, WEBJARS, path, "private, max-age=86400");
    }

    private void sampleQuietly() {
        try {
            samples.sample();
        } catch (RuntimeException e) {
            // a failing gauge must not stop the sampler (an exception would cancel the schedule)
        }
    }
}
