package dev.portrait.synth;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The ids events carry against the ground truth of who sent them. */
class IdentityTest {
    private static final SyntheticConfig CONFIG = SyntheticConfig.defaults(21).withUsers(5_000)
            .withCatalogue(1_000, 20, 100).withConcurrentSessions(200).withFlaws(0, 0);

    private static String string(SyntheticEvent e, String field) {
        return (String) e.json().get(field);
    }

    @Test
    void everyIdBelongsToExactlyOnePersonAndMatchesTheirPersona() {
        SyntheticStream stream = SyntheticStream.of(CONFIG.withFlaws(0.01, 0.01)).limit(100_000);
        Map<String, String> owner = new HashMap<>();
        while (stream.hasNext()) {
            SyntheticEvent e = stream.next();
            Persona persona = stream.persona(Persona.indexOf(e.personId()));
            for (String field : new String[] {"userId", "anonymousId", "previousId"}) {
                String id = string(e, field);
                if (id == null) {
                    continue;
                }
                String before = owner.putIfAbsent(id, e.personId());
                assertThat(before == null ? e.personId() : before).as("owner of %s", id).isEqualTo(e.personId());
                if (field.equals("userId")) {
                    assertThat(id).isEqualTo(persona.userId());
                } else {
                    assertThat(persona.anonymousIds()).contains(id);
                }
            }
        }
    }

    @Test
    void anonymousFirstPersonsBrowseAnonymouslyThenIdentifyAndStayIdentified() {
        SyntheticStream stream = SyntheticStream.of(CONFIG).limit(200_000);
        Map<String, Boolean> deviceIdentified = new HashMap<>();
        Set<String> anonymousFirstSeen = new HashSet<>();
        Set<String> anonymousFirstIdentified = new HashSet<>();
        while (stream.hasNext()) {
            SyntheticEvent e = stream.next();
            Persona persona = stream.persona(Persona.indexOf(e.personId()));
            String type = string(e, "type");
            String device = type.equals("alias") ? string(e, "previousId") : string(e, "anonymousId");
            boolean firstEventOfDevice = !deviceIdentified.containsKey(device);
            boolean identified = deviceIdentified.getOrDefault(device, false);
            if (type.equals("identify") || type.equals("alias")) {
                deviceIdentified.put(device, true);
                if (persona.anonymousFirst() && device.equals(persona.anonymousIds().get(0))) {
                    anonymousFirstIdentified.add(e.personId());
                }
                continue;
            }
            if (identified) {
                assertThat(string(e, "userId")).as("after identifying, %s", e.json()).isEqualTo(persona.userId());
            } else {
                deviceIdentified.put(device, false);
                assertThat(e.json()).as("before identifying").doesNotContainKey("userId");
            }
            if (firstEventOfDevice && device.equals(persona.anonymousIds().get(0))) {
                if (persona.anonymousFirst()) {
                    anonymousFirstSeen.add(e.personId());
                } else {
                    throw new AssertionError("a sign-in-first person's first event is not an identify: " + e.json());
                }
            }
        }
        assertThat(anonymousFirstSeen).hasSizeGreaterThan(500);
        anonymousFirstIdentified.retainAll(anonymousFirstSeen);
        assertThat(anonymousFirstIdentified.size()).as("anonymous-first persons who later identified")
                .isGreaterThan(anonymousFirstSeen.size() / 3);
    }

    @Test
    void secondDevicesAreLinkedByAliasFromTheBackEnd() {
        SyntheticStream stream = SyntheticStream.of(CONFIG.withSecondDeviceShare(1).withAliasShare(1)).limit(100_000);
        int aliases = 0;
        while (stream.hasNext()) {
            SyntheticEvent e = stream.next();
            if ("alias".equals(e.json().get("type"))) {
                aliases++;
                Persona persona = stream.persona(Persona.indexOf(e.personId()));
                assertThat(persona.linksWithAlias()).isTrue();
                assertThat(string(e, "previousId")).isEqualTo(persona.anonymousIds().get(1));
                assertThat(string(e, "userId")).isEqualTo(persona.userId());
                assertThat(e.json()).doesNotContainKey("anonymousId");
            }
        }
        assertThat(aliases).isGreaterThan(100);
    }

    @Test
    void withoutSecondDevicesNobodySendsAlias() {
        SyntheticStream stream = SyntheticStream.of(CONFIG.withSecondDeviceShare(0).withAliasShare(1)).limit(50_000);
        assertThat(stream.stream().filter(e -> "alias".equals(e.json().get("type")))).isEmpty();
    }

    @Test
    void identifyTraitsAreLowerCaseUniqueEmailsAndIsoCountries() {
        SyntheticStream stream = SyntheticStream.of(CONFIG).limit(50_000);
        int identifies = 0;
        while (stream.hasNext()) {
            SyntheticEvent e = stream.next();
            if (!"identify".equals(e.json().get("type"))) {
                continue;
            }
            identifies++;
            @SuppressWarnings("unchecked")
            Map<String, Object> traits = (Map<String, Object>) e.json().get("traits");
            Persona persona = stream.persona(Persona.indexOf(e.personId()));
            String email = (String) traits.get("email");
            assertThat(email).isEqualTo(email.toLowerCase(Locale.ROOT)).isEqualTo(persona.email()).contains("@");
            assertThat((String) traits.get("country")).matches("[A-Z]{2}");
            assertThat(traits.get("plan")).isIn("free", "plus", "premium");
            assertThat((String) traits.get("name")).contains(" ");
        }
        assertThat(identifies).isGreaterThan(1_000);
        SyntheticStream big = SyntheticStream.of(SyntheticConfig.defaults(3).withUsers(200_000));
        Set<String> emails = new HashSet<>();
        Set<String> userIds = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            Persona persona = big.persona(i);
            emails.add(persona.email());
            userIds.add(persona.userId());
        }
        assertThat(emails).hasSize(200_000);
        assertThat(userIds).hasSize(200_000);
    }

    @Test
    void personaSharesFollowTheConfig() {
        SyntheticStream stream = SyntheticStream.of(SyntheticConfig.defaults(4).withUsers(100_000));
        int anonymousFirst = 0;
        int secondDevice = 0;
        int alias = 0;
        int drifting = 0;
        for (int i = 0; i < 100_000; i++) {
            Persona p = stream.persona(i);
            anonymousFirst += p.anonymousFirst() ? 1 : 0;
            secondDevice += p.anonymousIds().size() == 2 ? 1 : 0;
            alias += p.linksWithAlias() ? 1 : 0;
            drifting += p.drifts() ? 1 : 0;
            if (p.drifts()) {
                assertThat(p.laterFavouriteCategory()).isNotEqualTo(p.favouriteCategory());
                assertThat(p.favouriteCategoryAt(p.driftAt())).isEqualTo(p.laterFavouriteCategory());
                assertThat(p.favouriteCategoryAt(p.driftAt().minusMillis(1))).isEqualTo(p.favouriteCategory());
            }
        }
        assertThat(anonymousFirst).isBetween(59_000, 61_000);
        assertThat(secondDevice).isBetween(24_000, 26_000);
        assertThat(alias).isBetween(4_500, 5_500);
        assertThat(drifting).isBetween(49_000, 51_000);
    }
}
