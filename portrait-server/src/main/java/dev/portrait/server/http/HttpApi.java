package dev.portrait.server.http;

import dev.portrait.core.event.EventType;
import dev.portrait.server.console.Console;
import dev.portrait.server.console.ConsoleRole;
import dev.portrait.server.port.AdminPort;
import dev.portrait.server.port.HealthPort;
import dev.portrait.server.port.IngestPort;
import dev.portrait.server.port.PrivacyPort;
import dev.portrait.server.port.QueryPort;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Portrait's HTTP API: Segment's tracking API for ingest, the query and admin APIs, health and
 * metrics, over Javalin. The server is configured in one place ({@code configure} and {@code routes}
 * below); every error, whoever raised it, is answered by {@link ErrorAnswers}.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><th>route</th><th>key scope</th></tr>
 *   <tr><td>POST /v1/batch, /v1/import, /v1/track, /v1/identify, /v1/page, /v1/screen, /v1/group,
 *       /v1/alias, and analytics.js's short forms /v1/b, /v1/t, /v1/i, /v1/p, /v1/s, /v1/g, /v1/a</td>
 *       <td>write (Basic, Bearer, or {@code writeKey} in the body)</td></tr>
 *   <tr><td>POST /v1/m (analytics.js's own delivery metrics, counted, never stored)</td><td>none</td></tr>
 *   <tr><td>GET /v1/profiles/{idType}/{id}, …/changes, …/merges, /v1/segments, /v1/segments/{name}/members,
 *       POST /v1/audiences/count, /v1/audiences/stats, /v1/audiences/members (aggregates also with
 *       {@code ?privacy=dp&epsilon=…}; a dp-only key reads aggregates only, always with noise),
 *       GET /v1/accounts/{groupId}, /v1/experiments/{name}</td>
 *       <td>read or admin</td></tr>
 *   <tr><td>DELETE /v1/profiles/{idType}/{id}, POST …/merges/{mergeId}/reverse, GET /v1/quarantine,
 *       POST /v1/quarantine/redrive</td>
 *       <td>admin</td></tr>
 *   <tr><td>GET /metrics</td><td>read or admin, unless {@link HttpConfig#openMetrics()}</td></tr>
 *   <tr><td>GET /health, /health/live, /health/ready</td><td>none</td></tr>
 *   <tr><td>/console/… (the console; the read and admin routes above again under /console/data)</td>
 *       <td>a console session, signed in with a read or admin key ({@link Console})</td></tr>
 * </table>
 *
 * <p>Trailing slashes are ignored ({@code /v1/import/} is where analytics-java posts). The full
 * contract is {@code docs/openapi.yaml}.
 */
public final class HttpApi implements AutoCloseable {
    /** The context attribute naming the matched route template, for metrics. */
    private static final String ROUTE = "portrait.route";
    /** Chromium caps Access-Control-Max-Age at 7,200 s; Firefox would keep it a day. */
    private static final int PREFLIGHT_MAX_AGE_SECONDS = 7_200;

    private final Javalin app;
    private final List<String> routes;

    private HttpApi(Javalin app, List<String> routes) {
        this.app = app;
        this.routes = List.copyOf(routes);
    }

    /** Starts the API with the system clock. */
    public static HttpApi start(HttpConfig config, IngestPort ingest, QueryPort query, AdminPort admin,
                                PrometheusMeterRegistry metrics) {
        return start(config, ingest, query, admin, metrics, Clock.systemUTC());
    }

    /**
     * Starts the API and returns once it listens.
     *
     * @param metrics the registry {@code /metrics} shows; the runtime registers its own meters (pipeline
     *                lag and the like) on the same one
     * @param clock   stamps each request's {@code receivedAt}
     */
    public static HttpApi start(HttpConfig config, IngestPort ingest, QueryPort query, AdminPort admin,
                                PrometheusMeterRegistry metrics, Clock clock) {
        return start(config, ingest, query, admin, metrics, clock, PrivacyPort.UNAVAILABLE, PrivacyConfig.DEFAULT);
    }

    /**
     * Starts the API with differentially private aggregate reads ({@code ?privacy=dp&epsilon=…}) paid from
     * {@code privacy}'s budgets, and the dp-only keys of {@code privacyConfig}.
     */
    public static HttpApi start(HttpConfig config, IngestPort ingest, QueryPort query, AdminPort admin,
                                PrometheusMeterRegistry metrics, Clock clock, PrivacyPort privacy,
                                PrivacyConfig privacyConfig) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(ingest, "ingest");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(clock, "clock");
        // the certificate is read before anything starts, so a bad one fails here naming the setting
        java.security.KeyStore certificate = config.perimeter().tls() == null ? null
                : Connectors.keyStore(config.perimeter().tls());
        HttpMetrics meters = new HttpMetrics(metrics);
        Keyring keyring = new Keyring(config.keys());
        Admission admission = new Admission(keyring, new RateLimits(config.perimeter().rates(), keyring.size(),
                System::nanoTime));
        PrivateReads privateReads = new PrivateReads(Objects.requireNonNull(privacy, "privacy"),
                Objects.requireNonNull(privacyConfig, "privacyConfig"));
        List<String> routes = new ArrayList<>();
        Console console = Console.create(key -> consoleRole(keyring, privacyConfig, key), query, metrics, clock);
        Javalin app = Javalin.create(c -> {
            configure(c, config, certificate, meters);
            console.register(c);
            // a sign-in takes a key from a form: limited by the caller's address like any request without a
            // known key, so keys cannot be guessed quickly there either
            c.routes.addHttpHandler(HandlerType.BEFORE, "/console/signin", ctx -> {
                if (ctx.method() == HandlerType.POST) {
                    admission.admitOpen(ctx);
                }
            });
            routes(new Routes(c, admission, config.perimeter().readTimeout().toNanos(), routes, console), ingest,
                    new IngestRoutes(ingest, admission, config.limits(), meters, clock),
                    new SdkMetricsRoute(metrics), new QueryRoutes(query, privateReads),
                    new AudienceRoutes(query, admin, config.limits(), privateReads), query,
                    new AdminRoutes(admin, config.limits()), metrics, config.openMetrics() ? null : Scope.QUERY, privateReads);
        });
        app.start(config.host(), config.port());
        return new HttpApi(app, routes);
    }

    /** The routes as {@code "METHOD /path"}, in the order they were declared (for the contract test). */
    List<String> routes() {
        return routes;
    }

    /** The port it listens on (the chosen one when started with port 0). */
    public int port() {
        return app.port();
    }

    /**
     * Stops the server. A request still in flight may be cut off: its client sees a broken
     * connection, not a 2xx, and retries; the retried events are absorbed by their messageId. So the
     * runtime should close the API before it stops its pipeline.
     */
    @Override
    public void close() {
        app.stop();
    }

    private static void configure(JavalinConfig c, HttpConfig config, java.security.KeyStore certificate,
                                  HttpMetrics meters) {
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.http.prefer405over404 = true;
        // bodies are read by RequestBody with our own limit; Javalin's applies only if something else reads one
        c.http.maxRequestSize = config.limits().maxRequestBytes();
        // Javalin copies each answer into Jetty's output stream through a new buffer of this size, by default
        // Jetty's whole output buffer (32 KB): the largest allocation of a profile read, for an answer of about
        // 2 KB (docs/BENCHMARKS.md, "Issue 11, session 7"). Jetty still buffers the output itself.
        c.http.responseBufferSize = 4096;
        c.router.ignoreTrailingSlashes = true;
        // analytics.js and RudderStack's JS SDK post from the shop's pages, another origin than this server;
        // keys still decide what a request may do, CORS only lets the browser send it
        // analytics.js 1.84 and later send the write key by Basic too (and X-Retry-Count on a retry), which
        // makes every call preflighted; the allowed headers echo what the preflight asks for, and a
        // preflight answer is cached for Chromium's ceiling of two hours; browsers cache it per URL, so a page
        // pays one preflight per path (/v1/t, /v1/i, …), not one per event.
        // Origin stays "*": no route reads a cookie, so an SDK configured with credentials "include" is
        // refused by the browser rather than given a credentialed answer (docs/openapi.yaml, "Browsers").
        // Only the routes browsers post events to are cross-origin: a preflight for a query or admin route gets
        // no Access-Control-Allow-* headers, so a page on another origin cannot read profiles or forget people
        // with a key it got hold of (one rule per path: Javalin matches a rule's path like a route's).
        c.bundledPlugins.enableCors(cors -> {
            for (String path : CROSS_ORIGIN_PATHS) {
                cors.addRule(rule -> {
                    rule.path = path;
                    rule.anyHost();
                    rule.maxAge = PREFLIGHT_MAX_AGE_SECONDS;
                });
            }
        });
        // Jetty's own answers (a request it cannot parse, headers too large, a URI it will not decode) in our
        // JSON shape; the servlet context asks its own handler first, so both get one
        c.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors()));
        c.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JettyErrors()));
        c.jetty.modifyHttpConfiguration(http -> http.setSendServerVersion(false));
        // our connector (plain or TLS) replaces Javalin's default one; its idle timeout is the read deadline
        c.jetty.addConnector((server, http) -> Connectors.create(server, http, config, certificate));
        c.requestLogger.http((ctx, millis) -> meters.request(ctx.attribute(ROUTE), ctx.method().name(),
                ctx.statusCode(), millis));
        c.routes.exception(Exception.class, ErrorAnswers::answer);
        c.routes.error(404, ErrorAnswers::answerStatus);
        c.routes.error(405, ErrorAnswers::answerStatus);
    }

    private static void routes(Routes r, IngestPort ingestPort, IngestRoutes ingest, SdkMetricsRoute sdkMetrics,
                               QueryRoutes query, AudienceRoutes audiences, QueryPort queryPort, AdminRoutes admin,
                               PrometheusMeterRegistry metrics, Scope metricsScope, PrivateReads privateReads) {
        // ingest routes check their key themselves: it may be inside the body
        r.add(HandlerType.POST, "/v1/batch", null, ingest::batch);
        r.add(HandlerType.POST, "/v1/import", null, ingest::batch);
        for (EventType type : EventType.values()) {
            r.add(HandlerType.POST, "/v1/" + type.wireName(), null, ctx -> ingest.single(ctx, type));
        }
        // analytics.js (@segment/analytics-next) posts a single call to the first letter of its type
        // (plugins/segmentio/index.ts: `${remote}/${ctx.event.type.charAt(0)}`), a batch to /b and its own
        // delivery metrics to /m; six types, six distinct letters (Javalin refuses a route declared twice)
        r.add(HandlerType.POST, "/v1/b", null, ingest::batch);
        for (EventType type : EventType.values()) {
            r.add(HandlerType.POST, "/v1/" + type.wireName().charAt(0), null, ctx -> ingest.single(ctx, type));
        }
        // open like /metrics: the SDK sends no key with these (core/stats/remote-metrics.ts), and only
        // allow-listed names become series
        r.add(HandlerType.POST, "/v1/m", null, sdkMetrics::report);

        r.add(HandlerType.GET, "/v1/profiles/{idType}/{id}", Scope.QUERY, query::profile);
        r.add(HandlerType.GET, "/v1/profiles/{idType}/{id}/changes", Scope.QUERY, query::changes);
        r.add(HandlerType.GET, "/v1/profiles/{idType}/{id}/segments", Scope.QUERY, query::segmentStays);
        r.add(HandlerType.GET, "/v1/profiles/{idType}/{id}/merges", Scope.QUERY, query::merges);
        r.add(HandlerType.GET, "/v1/segments", Scope.QUERY, query::segments);
        r.add(HandlerType.GET, "/v1/segments/{name}/members", Scope.QUERY, query::members);
        r.add(HandlerType.POST, "/v1/audiences/count", Scope.QUERY, audiences::count);
        r.add(HandlerType.POST, "/v1/audiences/members", Scope.QUERY, audiences::members);
        r.add(HandlerType.POST, "/v1/audiences/stats", Scope.QUERY, audiences::stats); // issue 13: dp aggregates
        // saved audiences: segments people enter and leave (issue 11 item 5)
        r.add(HandlerType.PUT, "/v1/audiences/{name}", Scope.ADMIN, audiences::save);
        r.add(HandlerType.GET, "/v1/audiences/{name}", Scope.QUERY, audiences::saved);
        r.add(HandlerType.DELETE, "/v1/audiences/{name}", Scope.ADMIN, audiences::delete);
        // a dp-only key reads no model output: recommendations and scores name a person, and personas (cluster
        // centres) are exact aggregates that a small cluster gives away
        Runnable beforeScrape = ModelRoutes.register((method, path, scope, h) -> r.add(method, path, scope, ctx -> {
            privateReads.requireIndividualAccess(ctx);
            privateReads.requireModelPurposes(ctx, queryPort.purposes());
            h.handle(ctx);
        }), queryPort, metrics); // issue 5: recommendations, personas, scores
        // accounts and experiment results are exact aggregates over groups that may be small: not for a dp-only key
        AccountRoutes.register((method, path, scope, h) -> r.add(method, path, scope, ctx -> {
            privateReads.requireIndividualAccess(ctx);
            h.handle(ctx);
        }), queryPort); // issue 15: GET /v1/accounts/{groupId}
        ExperimentRoutes.register((method, path, scope, h) -> r.add(method, path, scope, ctx -> {
            privateReads.requireIndividualAccess(ctx);
            h.handle(ctx);
        }), queryPort); // issue 15: GET /v1/experiments/{name}

        r.add(HandlerType.DELETE, "/v1/profiles/{idType}/{id}", Scope.ADMIN, admin::forget);
        r.add(HandlerType.POST, "/v1/profiles/{idType}/{id}/merges/{mergeId}/reverse", Scope.ADMIN, admin::reverseMerge);
        r.add(HandlerType.GET, "/v1/forgets/{forgetId}", Scope.ADMIN, admin::forgetStatus);
        r.add(HandlerType.DELETE, "/v1/suppressions/{idType}/{id}", Scope.ADMIN, admin::liftSuppression);
        r.add(HandlerType.GET, "/v1/quarantine", Scope.ADMIN, admin::quarantine);
        r.add(HandlerType.POST, "/v1/quarantine/redrive", Scope.ADMIN, admin::redrive);
        r.add(HandlerType.POST, "/v1/backups", Scope.ADMIN, admin::backup); // issue 13 item 6

        // Liveness answers while the process serves; readiness says whether events are taken and folded.
        // /health, what clients probed before the split, answers the combined state: ready means live.
        HealthPort health = ingestPort instanceof HealthPort h ? h : HealthPort.ALWAYS_READY;
        r.add(HandlerType.GET, "/health/live", null, ctx -> Json.write(ctx, 200, Map.of("status", "ok")));
        r.add(HandlerType.GET, "/health/ready", null, ctx -> readiness(ctx, health));
        r.add(HandlerType.GET, "/health", null, ctx -> readiness(ctx, health));
        // a read or admin key unless the settings open it (demo): the figures name no person, but they tell an
        // outsider how big and how busy the installation is; Prometheus sends the key as basic_auth or a
        // bearer token. The scrape reads published counters and gauges only, never the profile worker.
        r.add(HandlerType.GET, "/metrics", metricsScope, ctx -> {
            beforeScrape.run(); // series of placements and variants counted since the last scrape
            ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
        });
    }

    /** The console role a key signs in with: admin keys administer, read keys read, write keys none. */
    private static Optional<ConsoleRole> consoleRole(Keyring keyring, PrivacyConfig privacy, String key) {
        // a key limited to private aggregates or to some purposes signs in to nothing: the console shows people
        // and every field, and a session carries no key for PrivateReads to limit
        if (privacy.forcedKeys().containsKey(key) || privacy.keyPurposes().containsKey(key)) {
            return Optional.empty();
        }
        java.util.Set<Scope> scopes = keyring.scopesOf(key);
        return scopes.contains(Scope.ADMIN) ? Optional.of(ConsoleRole.ADMIN)
                : scopes.contains(Scope.QUERY) ? Optional.of(ConsoleRole.READ) : Optional.empty();
    }

    private static void readiness(io.javalin.http.Context ctx, HealthPort health) {
        List<String> reasons = health.notReady();
        if (reasons.isEmpty()) {
            Json.write(ctx, 200, Map.of("status", "ok"));
        } else {
            Json.write(ctx, 503, Map.of("status", "unavailable", "reasons", reasons));
        }
    }

    /**
     * The paths browsers post to (analytics.js and RudderStack's JS SDK): Segment's ingest routes, analytics.js's
     * one-letter short forms, and its delivery metrics. These, and only these, answer CORS preflights; they
     * also check their own key (it may be in the body), so {@link Routes} leaves them to it.
     */
    static final List<String> CROSS_ORIGIN_PATHS = crossOriginPaths();

    private static List<String> crossOriginPaths() {
        List<String> paths = new ArrayList<>(List.of("/v1/batch", "/v1/import", "/v1/b", "/v1/m"));
        for (EventType type : EventType.values()) {
            paths.add("/v1/" + type.wireName());
            paths.add("/v1/" + type.wireName().charAt(0));
        }
        return List.copyOf(paths);
    }

    /**
     * When the request's first byte arrived, so the read deadline counts the time its headers took too (a
     * client that trickled them is out of time by the first body read).
     */
    private static long arrival(io.javalin.http.Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        return request == null ? System.nanoTime() : request.getBeginNanoTime();
    }

    /**
     * Declares routes that record their template for metrics, start the request's read deadline and, for a
     * header-keyed scope, check the key and its rate limit. A caller without a known key (none, a wrong one,
     * or on an open route) is rate limited by its address; ingest routes count their callers themselves. Read
     * and admin routes are mirrored under {@link Console#DATA} behind a console session instead of a key.
     */
    private record Routes(JavalinConfig c, Admission admission, long readTimeoutNanos, List<String> declared,
                          Console console) {
        void add(HandlerType method, String path, Scope scope, Handler handler) {
            declared.add(method.name() + " " + path);
            // health checks are exempt: they are cheap, name nothing, and a probe answered 429 would take a
            // healthy server out of its load balancer
            boolean limitedByAddress = scope == null && !path.startsWith("/health")
                    && !(CROSS_ORIGIN_PATHS.contains(path) && !path.equals("/v1/m"));
            c.routes.addHttpHandler(method, path, ctx -> {
                ctx.attribute(ROUTE, path);
                ctx.attribute(RequestBody.DEADLINE, arrival(ctx) + readTimeoutNanos);
                if (scope != null) {
                    admission.admit(ctx, admission.headerKey(ctx), scope);
                } else if (limitedByAddress) {
                    admission.admitOpen(ctx);
                }
                handler.handle(ctx);
            });
            if (scope == Scope.QUERY || scope == Scope.ADMIN) {
                // the console's pages call the same handler behind its session instead of a key (console.Console)
                c.routes.addHttpHandler(method, Console.DATA + path, console.guard(
                        scope == Scope.ADMIN ? ConsoleRole.ADMIN : ConsoleRole.READ, ctx -> {
                            ctx.attribute(ROUTE, Console.DATA + path);
                            ctx.attribute(RequestBody.DEADLINE, arrival(ctx) + readTimeoutNanos);
                            // a session is not a key: its requests count against the caller's address
                            admission.admitOpen(ctx);
                            handler.handle(ctx);
                        }));
            }
        }
    }
}
