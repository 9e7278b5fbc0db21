package dev.portrait.server.http;

import dev.portrait.core.event.EventCodec;
import dev.portrait.server.port.AdminPort;
import dev.portrait.server.port.BackupCopy;
import dev.portrait.server.port.ForgetStatus;
import dev.portrait.server.port.Page;
import dev.portrait.server.port.QuarantineView;
import dev.portrait.server.port.ReversedMerge;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Forgetting people and the quarantine. */
final class AdminRoutes {
    private final AdminPort admin;
    private final HttpConfig.Limits limits;

    AdminRoutes(AdminPort admin, HttpConfig.Limits limits) {
        this.admin = admin;
        this.limits = limits;
    }

    /**
     * {@code 202}: the person is forgotten durably (nothing of them reads back through the API) and a
     * compaction is removing their bytes from the files; {@code statusUrl} says when that is done.
     */
    void forget(Context ctx) {
        String idType = ctx.pathParam("idType");
        String id = ctx.pathParam("id");
        ForgetStatus status = admin.startForget(idType, id, actor(ctx));
        if (status == null) {
            throw ApiError.notFound("profile_not_found", "no profile holds " + idType + " "
                    + (id.length() > 80 ? id.substring(0, 80) + "…" : id));
        }
        ctx.header("Location", statusUrl(status));
        Json.write(ctx, status.done() ? 200 : 202, forgetAnswer(status));
    }

    /**
     * {@code 200}: the merge is reversed and durable; both profiles read back at once. Only the profile's
     * latest merge ({@code 409 merge_not_latest} names the one to reverse first).
     */
    void reverseMerge(Context ctx) {
        String idType = ctx.pathParam("idType");
        String id = ctx.pathParam("id");
        ReversedMerge r = admin.reverseMerge(idType, id, ctx.pathParam("mergeId"), actor(ctx));
        if (r == null) {
            throw ApiError.notFound("profile_not_found", "no profile holds " + idType + " "
                    + (id.length() > 80 ? id.substring(0, 80) + "…" : id));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("reversed", true);
        answer.put("winner", r.winner());
        answer.put("loser", r.loser());
        answer.put("identifiers", r.identifiers());
        answer.put("eventsToLoser", r.eventsToLoser());
        answer.put("eventsKept", r.eventsKept());
        answer.put("reversedAt", r.reversedAt().toString());
        Json.write(ctx, 200, answer);
    }

    /** {@code 202} while the forgotten data may still be in the files, {@code 200} once it is gone. */
    void forgetStatus(Context ctx) {
        String forgetId = ctx.pathParam("forgetId");
        ForgetStatus status = admin.forgetStatus(forgetId).orElseThrow(() -> ApiError.notFound("not_found",
                "no forget " + (forgetId.length() > 40 ? forgetId.substring(0, 40) + "…" : forgetId)
                        + " is known (statuses are kept until the server restarts; a compaction still owed then is "
                        + "run at the next start)"));
        Json.write(ctx, status.done() ? 200 : 202, forgetAnswer(status));
    }

    void liftSuppression(Context ctx) {
        String idType = ctx.pathParam("idType");
        if (!admin.liftSuppression(idType, ctx.pathParam("id"), actor(ctx))) {
            throw ApiError.notFound("not_found", "that " + idType + " is not suppressed");
        }
        Json.write(ctx, 200, Map.of("lifted", true));
    }

    /**
     * {@code 201}: an online, consistent backup of the data directory is in {@code to} (an absolute path on
     * the server's machine, new or empty: {@code 409 backup_target} otherwise), the forget journal excepted.
     */
    void backup(Context ctx) throws IOException {
        Map<String, Object> body = EventCodec.parseRaw(RequestBody.read(ctx, limits.maxRequestBytes()));
        if (!(body.get("to") instanceof String to) || to.isBlank()) {
            throw ApiError.invalidRequest("to", "give the backup's directory as {\"to\": \"/absolute/path\"}");
        }
        java.nio.file.Path target;
        try {
            target = java.nio.file.Path.of(to);
        } catch (java.nio.file.InvalidPathException e) {
            throw ApiError.invalidRequest("to", "not a path: " + e.getMessage());
        }
        if (!target.isAbsolute()) {
            throw ApiError.invalidRequest("to", "the backup's directory must be an absolute path on the server's "
                    + "machine, got " + (to.length() > 200 ? to.substring(0, 200) + "…" : to));
        }
        BackupCopy copy = admin.backup(target, actor(ctx));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("to", copy.to());
        answer.put("takenAt", copy.takenAt().toString());
        answer.put("forgets", copy.forgets());
        answer.put("logSequence", copy.logSequence());
        answer.put("files", copy.files());
        answer.put("bytes", copy.bytes());
        Json.write(ctx, 201, answer);
    }

    private static String statusUrl(ForgetStatus s) {
        return "/v1/forgets/" + s.id();
    }

    private static Map<String, Object> forgetAnswer(ForgetStatus s) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("forgotten", true);
        answer.put("id", s.id());
        answer.put("status", s.done() ? "done" : "compacting");
        answer.put("statusUrl", statusUrl(s));
        answer.put("requestedAt", s.requestedAt().toString());
        answer.put("deadline", s.deadline().toString());
        if (s.doneAt() != null) {
            answer.put("doneAt", s.doneAt().toString());
        }
        answer.put("identifiers", s.identifiers());
        answer.put("dataKeys", s.dataKeys());
        answer.put("quarantined", s.quarantined());
        return answer;
    }

    /**
     * Who is asking, for the audit log: {@code key:} and 8 hex digits of the SHA-256 of the presented key
     * (enough to tell an installation's keys apart, useless for recovering one), never the key.
     */
    static String actor(Context ctx) {
        String console = ctx.attribute(dev.portrait.server.console.Console.ACTOR);
        if (console != null) {
            return console;
        }
        String key = Keyring.keyFromHeader(ctx.header("Authorization"));
        if (key == null) {
            return "anonymous";
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(
                    key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "key:" + java.util.HexFormat.of().formatHex(d, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    void quarantine(Context ctx) {
        Paging paging = Paging.of(ctx);
        Page<QuarantineView> page = admin.quarantine(paging.cursor(), paging.limit(), actor(ctx));
        List<Map<String, Object>> items = new ArrayList<>(page.items().size());
        for (QuarantineView q : page.items()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", q.id());
            item.put("code", q.code());
            item.put("message", q.message());
            item.put("path", q.path());
            item.put("receivedAt", q.receivedAt());
            // the event as text: it is whatever the client sent, which need not be valid JSON any more
            item.put("event", q.event());
            items.add(item);
        }
        Json.write(ctx, 200, QueryRoutes.page(items, page.next()));
    }

    /**
     * Re-drives the quarantine. No body, an empty body or {@code {}} re-drive everything; {@code
     * {"ids":[…]}} re-drives those. An explicitly empty list is refused: the port reads "no ids" as
     * "all", and a client that computed an empty selection does not mean everything.
     */
    void redrive(Context ctx) throws IOException {
        List<Long> ids = List.of();
        if (RequestBody.present(ctx)) {
            byte[] body = RequestBody.read(ctx, limits.maxRequestBytes());
            if (body.length > 0) {
                ids = ids(EventCodec.parseRaw(body));
            }
        }
        AdminPort.RedriveReport report = admin.redrive(ids);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("stored", report.stored());
        answer.put("duplicates", report.duplicates());
        answer.put("stillQuarantined", report.stillQuarantined());
        Json.write(ctx, 200, answer);
    }

    private static List<Long> ids(Map<String, Object> body) {
        Object value = body.get("ids");
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw ApiError.invalidRequest("ids", "ids must be an array of quarantine ids");
        }
        if (list.isEmpty()) {
            throw ApiError.invalidRequest("ids", "ids is empty: leave it out to re-drive the whole quarantine");
        }
        List<Long> ids = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Long id)) {
                String given = String.valueOf(list.get(i));
                throw ApiError.invalidRequest("ids[" + i + "]", "a quarantine id is a whole number, got "
                        + (given.length() > 40 ? given.substring(0, 40) + "…" : given));
            }
            ids.add(id);
        }
        return ids;
    }
}
