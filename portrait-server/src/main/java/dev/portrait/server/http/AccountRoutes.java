package dev.portrait.server.http;

import dev.portrait.core.account.AccountView;
import dev.portrait.server.port.AccountPort;
import dev.portrait.server.port.QueryPort;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/accounts/{groupId}}: an account's traits, aggregates over its members and account
 * segments (issue 15). A query side without accounts answers 404 {@code not_found}; an unknown group
 * 404 {@code account_not_found}.
 */
final class AccountRoutes {
    private static final int MAX_GROUP_ID = 512;

    private final AccountPort accounts;
    private final QueryRoutes reads;

    private AccountRoutes(AccountPort accounts, QueryRoutes reads) {
        this.accounts = accounts;
        this.reads = reads;
    }

    static void register(ModelRoutes.Declare r, QueryPort query) {
        AccountRoutes routes = new AccountRoutes(query instanceof AccountPort a ? a : null, new QueryRoutes(query));
        r.add(HandlerType.GET, "/v1/accounts/{groupId}", Scope.QUERY, routes::account);
    }

    void account(Context ctx) {
        if (accounts == null || !accounts.keepsAccounts()) {
            throw ApiError.notFound("not_found", "this definition keeps no accounts (declare an accounts: section)");
        }
        String groupId = ctx.pathParam("groupId");
        if (groupId.isBlank() || groupId.length() > MAX_GROUP_ID) {
            throw ApiError.invalidParameter("groupId", "a group id is 1 to " + MAX_GROUP_ID + " characters");
        }
        reads.awaitPosition(ctx);
        AccountView a = accounts.account(groupId).orElseThrow(() -> ApiError.notFound("account_not_found",
                "no group call named " + (groupId.length() > 80 ? groupId.substring(0, 80) + "…" : groupId)));
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("members", a.members());
        features.put("active_members", a.activeMembers());
        features.put("revenue", a.revenue());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("groupId", a.groupId());
        body.put("traits", a.traits());
        body.put("features", features);
        body.put("segments", a.segments());
        body.put("membersOverCap", a.membersOverCap());
        body.put("updatedAt", a.updatedAt() == Long.MIN_VALUE ? null : java.time.Instant.ofEpochMilli(a.updatedAt()).toString());
        body.put("readAt", java.time.Instant.ofEpochMilli(a.readAt()).toString());
        Json.write(ctx, 200, body);
    }
}
