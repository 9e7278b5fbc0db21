package dev.portrait.store;

import dev.portrait.core.identity.Identifier;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.portrait.store.TestEvents.T0;

/**
 * Ada and Bob, each with distinctive identifiers, browsing anonymously on two devices, identifying,
 * shopping, and leaving one rejected event each in the quarantine; Ada's two anonymous profiles merge.
 */
final class TwoPeople {
    static final String ADA_USER = "ada-user-7f3e91";
    static final String ADA_EMAIL = "ada.lovelace.7f3e@analytical-engine.example";
    static final String ADA_ANON_1 = "anon-ada-1-c0ffee";
    static final String ADA_ANON_2 = "anon-ada-2-c0ffee";
    static final String ADA_NAME = "Augusta Ada King";
    static final String BOB_USER = "bob-user-4d2a17";
    static final String BOB_EMAIL = "bob.babbage.4d2a@difference-engine.example";
    static final String BOB_ANON = "anon-bob-1-facade";
    static final String NEUTRAL_QUARANTINE = "{\"type\":\"track\",\"event\":\"Nobody\"";

    final MiniPipeline pipeline;
    String ada;
    String bob;

    TwoPeople(PortraitStore store) {
        this.pipeline = new MiniPipeline(store);
    }

    /** Feeds both people's events, quarantines their rejected events, and writes everything back. */
    TwoPeople live() {
        long t = T0;
        pipeline.ingest(List.of(
                TestEvents.page("ada-1", ADA_ANON_1, t, "Home"),
                TestEvents.page("bob-1", BOB_ANON, t + 1, "Home"),
                TestEvents.identify("ada-2", ADA_USER, ADA_ANON_1, t + 2, "email", ADA_EMAIL, "name", ADA_NAME),
                TestEvents.identify("bob-2", BOB_USER, BOB_ANON, t + 3, "email", BOB_EMAIL, "name", "Charles Bob"),
                TestEvents.track("ada-3", ADA_USER, null, "Product Viewed", t + 4, "product_id", "p1",
                        "category", "engines", "brand", "Lovelace", "price", 10.0),
                TestEvents.page("ada-4", ADA_ANON_2, t + 5, "Pricing")), t + 10);
        pipeline.writeBack();
        pipeline.ingest(List.of(
                TestEvents.track("ada-5", ADA_USER, ADA_ANON_2, "Order Completed", t + 6, "order_id", "o1",
                        "revenue", 99.0),
                TestEvents.track("bob-3", BOB_USER, null, "Product Viewed", t + 7, "product_id", "p2",
                        "category", "looms", "brand", "Jacquard", "price", 20.0)), t + 20);
        pipeline.writeBack();
        PortraitStore store = pipeline.store;
        store.quarantine().add(utf8("{\"userId\":\"" + ADA_USER + "\",\"type\":\"trak\"}"), "unknown_type",
                "type \"trak\" is not a Segment call", "type", t + 30);
        store.quarantine().add(utf8("{\"type\":\"identify\",\"traits\":{\"email\":\"" + ADA_EMAIL + "\"}"),
                "malformed_json", "not valid JSON at line 1", "$", t + 31);
        store.quarantine().add(utf8("{\"userId\":\"" + BOB_USER + "\",\"type\":\"trak\"}"), "unknown_type",
                "type \"trak\" is not a Segment call", "type", t + 32);
        store.quarantine().add(utf8(NEUTRAL_QUARANTINE), "malformed_json", "not valid JSON", "$", t + 33);
        resolve();
        return this;
    }

    void resolve() {
        ada = pipeline.store.identities().profileOf(new Identifier("email", ADA_EMAIL)).orElse(null);
        bob = pipeline.store.identities().profileOf(new Identifier("email", BOB_EMAIL)).orElse(null);
    }

    ForgetReport forgetAda() {
        return pipeline.store.forgetProfile(ada, pipeline.subjectsOf(ada));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
