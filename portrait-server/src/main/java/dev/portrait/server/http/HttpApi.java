package dev.portrait.server.http;

import dev.portrait.core.event.EventType;
import dev.portrait.server.port.AdminPort;
import dev.portrait.server.port.HealthPort;
import dev.portrait.server.port.IngestPort;
import dev.portrait.server.port.QueryPort;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 *   <tr><td>GET /v1/profiles/{idType}/{id}, …/changes, /v1/segments, /v1/segments/{name}/members,
 *       POST /v1/audiences/count, /v1/audiences/members</td>
 *       <td>read or admin</td></tr>
 *   <tr><td>DELETE /v1/profiles/{idType}/{id}, GET /v1/quarantine, POST /v1/quarantine/redrive</td>
 *       <td>admin</td></tr>
 *   <tr><td>GET /metrics</td><td>read or admin, unless {@link HttpConfig#openMetrics()}</td></tr>
 *   <tr><td>GET /health, /health/live, /health/ready</td><td>none</td></tr>
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
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(ingest, "ingest");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(clock, "clock");
        HttpMetrics meters = new HttpMetrics(metrics);
        Keyring keyring = new Keyring(config.keys());
        List<String> routes = new ArrayList<>();
        Javalin app = Javalin.create(c -> {
            configure(c, config, meters);
            routes(new Routes(c, keyring, routes), ingest, new IngestRoutes(ingest, keyring, config.limits(), meters, clock),
                    new SdkMetricsRoute(metrics), new QueryRoutes(query), new AudienceRoutes(query, config.limits()), query,
                    new AdminRoutes(admin, config.limits()), metrics, config.openMetrics() ? null : Scope.QUERY);
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

    private static void configure(JavalinConfig c, HttpConfig config, HttpMetrics meters) {
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.http.prefer405over404 = true;
        // bodies are read by RequestBody with our own limit; Javalin's applies only if something else reads one
        c.http.maxRequestSize = config.limits().maxRequestBytes();
        c.router.ignoreTrailingSlashes = true;
        // analytics.js and RudderStack's JS SDK post from the shop's pages, another origin than this server;
        // keys still decide what a request may do, CORS only lets the browser send it
        // analytics.js 1.84 and later send the write key by Basic too (and X-Retry-Count on a retry), which
        // makes every call preflighted; the allowed headers echo what the preflight asks for, and a
        // preflight answer is cached for Chromium's ceiling of two hours; browsers cache it per URL, so a page
        // pays one preflight per path (/v1/t, /v1/i, …), not one per event.
        // Origin stays "*": no route reads a cookie, so an SDK configured with credentials "include" is
        // refused by the browser rather than given a credentialed answer (docs/openapi.yaml, "Browsers").
        c.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
            rule.anyHost();
            rule.maxAge = PREFLIGHT_MAX_AGE_SECONDS;
        }));
        c.requestLogger.http((ctx, millis) -> meters.request(ctx.attribute(ROUTE), ctx.method().name(),
                ctx.statusCode(), millis));
        c.routes.exception(Exception.class, ErrorAnswers::answer);
        c.routes.error(404, ErrorAnswers::answerStatus);
        c.routes.error(405, ErrorAnswers::answerStatus);
    }

    private static void routes(Routes r, IngestPort ingestPort, IngestRoutes ingest, SdkMetricsRoute sdkMetrics,
                               QueryRoutes query, AudienceRoutes audiences, QueryPort queryPort, AdminRoutes admin,
                               PrometheusMeterRegistry metrics, Scope metricsScope) {
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
        r.add(HandlerType.GET, "/v1/segments", Scope.QUERY, query::segments);
        r.add(HandlerType.GET, "/v1/segments/{name}/members", Scope.QUERY, query::members);
        r.add(HandlerType.POST, "/v1/audiences/count", Scope.QUERY, audiences::count);
        r.add(HandlerType.POST, "/v1/audiences/members", Scope.QUERY, audiences::members);
        ModelRoutes.register(r::add, queryPort, metrics); // issue 5: recommendations, personas, scores

        r.add(HandlerType.DELETE, "/v1/profiles/{idType}/{id}", Scope.ADMIN, admin::forget);
        r.add(HandlerType.GET, "/v1/forgets/{forgetId}", Scope.ADMIN, admin::forgetStatus);
        r.add(HandlerType.DELETE, "/v1/suppressions/{idType}/{id}", Scope.ADMIN, admin::liftSuppression);
        r.add(HandlerType.GET, "/v1/quarantine", Scope.ADMIN, admin::quarantine);
        r.add(HandlerType.POST, "/v1/quarantine/redrive", Scope.ADMIN, admin::redrive);

        // Liveness answers while the process serves; readiness says whether events are taken and folded.
        // /health, what clients probed before the split, answers the combined state: ready means live.
        HealthPort health = ingestPort instanceof HealthPort h ? h : HealthPort.ALWAYS_READY;
        r.add(HandlerType.GET, "/health/live", null, ctx -> Json.write(ctx, 200, Map.of("status", "ok")));
        r.add(HandlerType.GET, "/health/ready", null, ctx -> readiness(ctx, health));
        r.add(HandlerType.GET, "/health", null, ctx -> readiness(ctx, health));
        // a read or admin key unless the settings open it (demo): the figures name no person, but they tell an
        // outsider how big and how busy the installation is; Prometheus sends the key as basic_auth or a
        // bearer token. The scrape reads published counters and gauges only, never the profile worker.
        r.add(HandlerType.GET, "/metrics", metricsScope, ctx -> ctx.status(200)
                .contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    }

    private static void readiness(io.javalin.http.Context ctx, HealthPort health) {
        List<String> reasons = health.notReady();
        if (reasons.isEmpty()) {
            Json.write(ctx, 200, Map.of("status", "ok"));
        } else {
            Json.write(ctx, 503, Map.of("status", "unavailable", "reasons", reasons));
        }
    }

    /** Declares routes that record their template for metrics and, for a header-keyed scope, check the key. */
    private record Routes(JavalinConfig c, Keyring keyring, List<String> declared) {
        void add(HandlerType method, String path, Scope scope, Handler handler) {
            declared.add(method.name() + " " + path);
            c.routes.addHttpHandler(method, path, ctx -> {
                ctx.attribute(ROUTE, path);
                if (scope != null) {
                    keyring.authorize(Keyring.keyFromHeader(ctx.header("Authorization")), scope);
                }
                handler.handle(ctx);
            });
        }
    }
}
