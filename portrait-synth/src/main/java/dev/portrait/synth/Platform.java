package dev.portrait.synth;

import java.util.Map;

import static dev.portrait.synth.JsonObject.of;

/**
 * Where a device's events come from, and what its SDK puts in {@code context}. The library names
 * and versions are those Segment's own SDKs send, so ingest code sees familiar values. A device
 * has one of its platform's {@link #userAgents}, and on an app the device model and maker at the
 * same position.
 */
enum Platform {
    WEB("analytics.js", "npm:next-1.72.0", null, null, null, new String[] {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    }),
    IOS("analytics-ios", "4.1.8", of("name", "iOS", "version", "17.4"),
            new String[] {"Apple", "Apple"}, new String[] {"iPhone15,2", "iPhone14,5"}, new String[] {
        "PortraitShop/5.3.1 (com.example.shop; build:531; iOS 17.4.1) Alamofire/5.9.1",
        "PortraitShop/5.3.1 (com.example.shop; build:531; iOS 16.7.7) Alamofire/5.9.1",
    }),
    ANDROID("analytics-android", "4.11.3", of("name", "Android", "version", "14"),
            new String[] {"samsung", "Google"}, new String[] {"SM-S918B", "Pixel 7"}, new String[] {
        "Dalvik/2.1.0 (Linux; U; Android 14; SM-S918B Build/UP1A.231005.007)",
        "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 7 Build/AP1A.240405.002)",
    });

    /** The library a back end sends {@code alias} calls with. */
    static final Map<String, Object> SERVER_LIBRARY = of("name", "analytics-node", "version", "2.1.0");

    final Map<String, Object> library;
    final Map<String, Object> os;
    final String[] manufacturers;
    final String[] models;
    final String[] userAgents;

    Platform(String library, String version, Map<String, Object> os, String[] manufacturers, String[] models,
             String[] userAgents) {
        this.library = of("name", library, "version", version);
        this.os = os;
        this.manufacturers = manufacturers;
        this.models = models;
        this.userAgents = userAgents;
    }

    boolean isApp() {
        return this != WEB;
    }
}
