package dev.portrait.core.identity;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.IdentityRule;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.portrait.core.identity.EventBuilder.alias;
import static dev.portrait.core.identity.EventBuilder.identify;
import static dev.portrait.core.identity.EventBuilder.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityGraphTest {
    private static final long DAY = Duration.ofDays(1).toMillis();

    private final InMemoryIdentityStore store = new InMemoryIdentityStore();
    private final IdentityGraph graph = new IdentityGraph(IdentityGraph.defaultRules(), store);

    private static Identifier id(String type, String value) {
        return new Identifier(type, value);
    }

    private String owner(String type, String value) {
        return store.profileOf(id(type, value)).orElse(null);
    }

    private static List<String> codes(Resolution r) {
        return r.notices().stream().map(IdentityNotice::code).toList();
    }

    private static String expectedId(String type, String value) throws Exception {
        // Computed independently of ProfileIdKey: javax.crypto's HMAC under the public test key's text.
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("portrait public test key: names are recomputable"
                .getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] digest = mac.doFinal((type + ":" + value).getBytes(StandardCharsets.UTF_8));
        return "p_" + HexFormat.of().formatHex(digest, 0, 8);
    }

    @Nested
    class Attribution {
        @Test
        void anonymousBrowsingThenIdentifyingEndsInOneProfile() {
            Resolution first = graph.resolve(track("m1").anon("a1").at(1_000).build());
            Resolution second = graph.resolve(track("m2").anon("a1").at(2_000).build());
            Resolution identified = graph.resolve(identify("m3").anon("a1").user("u1").email("ada@example.com")
                    .at(3_000).build());
            Resolution loggedIn = graph.resolve(track("m4").user("u1").at(4_000).build());

            assertThat(first.created()).isTrue();
            assertThat(first.attached()).containsExactly(id("anonymous_id", "a1"));
            String profile = first.profileId();
            assertThat(List.of(second, identified, loggedIn)).allSatisfy(r -> {
                assertThat(r.profileId()).isEqualTo(profile);
                assertThat(r.created()).isFalse();
                assertThat(r.merges()).isEmpty();
            });
            assertThat(identified.attached()).containsExactly(id("user_id", "u1"), id("email", "ada@example.com"));
            assertThat(store.profileIds()).containsExactly(profile);
            assertThat(store.identifiersOf(profile)).extracting(AttachedIdentifier::attachedAt)
                    .containsExactly(1_000L, 3_000L, 3_000L);
            assertThat(store.createdAt(profile)).hasValue(1_000L);
        }

        @Test
        void aNewProfileIsNamedAfterItsHighestPriorityIdentifier() throws Exception {
            Resolution r = graph.resolve(identify("m1").anon("a1").device("d1").email("ada@example.com").user("u1")
                    .build());

            assertThat(r.profileId()).isEqualTo(expectedId("user_id", "u1"));
            assertThat(r.attached()).containsExactly(id("user_id", "u1"), id("email", "ada@example.com"),
                    id("device_id", "d1"), id("anonymous_id", "a1"));
        }

        @Test
        void aTakenProfileIdGetsTheNextNumberedSuffix() throws Exception {
            String base = expectedId("anonymous_id", "a1");
            store.createProfile(base, 0);
            store.createProfile(base + "_2", 0);

            Resolution r = graph.resolve(track("m1").anon("a1").build());

            assertThat(r.profileId()).isEqualTo(base + "_3");
        }

        @Test
        void identifierValuesAreTrimmedBeforeTheyAreMatched() {
            Resolution first = graph.resolve(track("m1").anon("  a1\t").build());
            Resolution second = graph.resolve(track("m2").anon("a1").build());

            assertThat(second.profileId()).isEqualTo(first.profileId());
            assertThat(first.attached()).containsExactly(id("anonymous_id", "a1"));
        }

        @Test
        void aContextTraitsEmailIsReadWhenTraitsHaveNone() {
            String p = graph.resolve(identify("m1").anon("a1").contextEmail("ada@example.com").build()).profileId();

            assertThat(owner("email", "ada@example.com")).isEqualTo(p);
        }

        @Test
        void integerPropertiesCanIdentifyButFractionsAndBooleansCannot() {
            IdentityGraph accounts = new IdentityGraph(List.of(
                    new IdentityRule("anonymous_id", List.of("anonymousId"), true, 10, 0, null, Set.of(), 1),
                    new IdentityRule("account", List.of("properties.account.id"), true, 1, 0, null, Set.of(), 0)),
                    store);

            Resolution whole = accounts.resolve(track("m1").anon("a1").property("account", Map.of("id", 42L)).build());
            Resolution fraction = accounts.resolve(track("m2").anon("a2").property("account", Map.of("id", 4.2)).build());
            Resolution flag = accounts.resolve(track("m3").anon("a3").property("account", Map.of("id", true)).build());

            assertThat(whole.attached()).contains(id("account", "42"));
            assertThat(codes(fraction)).containsExactly(IdentityNotice.INVALID_IDENTIFIER);
            assertThat(codes(flag)).containsExactly(IdentityNotice.INVALID_IDENTIFIER);
            assertThat(fraction.attached()).containsExactly(id("anonymous_id", "a2"));
        }

        @Test
        void anImplausiblyLongValueIsRefused() {
            Resolution r = graph.resolve(track("m1").anon("a1").user("u".repeat(IdentifierReader.MAX_VALUE_LENGTH + 1))
                    .build());

            assertThat(codes(r)).containsExactly(IdentityNotice.INVALID_IDENTIFIER);
            assertThat(r.attached()).containsExactly(id("anonymous_id", "a1"));
        }
    }

    @Nested
    class Merging {
        @Test
        void aliasMergesTheUserIntoTheVisitorWhoseProfileIsOlder() {
            String visitor = graph.resolve(track("m1").anon("a1").at(1_000).build()).profileId();
            String user = graph.resolve(track("m2").user("u1").at(2_000).build()).profileId();

            Resolution r = graph.resolve(alias("m3").user("u1").previous("a1").at(3_000).build());

            assertThat(r.profileId()).isEqualTo(visitor);
            assertThat(r.merges()).containsExactly(new IdentityMerge(visitor, user,
                    List.of(new AttachedIdentifier(id("user_id", "u1"), 2_000)), 3_000, "m3", 2_000));
            assertThat(owner("user_id", "u1")).isEqualTo(visitor);
            assertThat(owner("anonymous_id", "a1")).isEqualTo(visitor);
            assertThat(store.exists(user)).isFalse();
            assertThat(store.profileIds()).containsExactly(visitor);
        }

        @Test
        void theOldestProfileWinsEvenWhenItsEventArrivedLast() {
            String user = graph.resolve(track("m1").user("u1").at(5_000).build()).profileId();
            String visitor = graph.resolve(track("m2").anon("a1").at(1_000).build()).profileId();

            Resolution r = graph.resolve(identify("m3").user("u1").anon("a1").at(6_000).build());

            assertThat(r.profileId()).isEqualTo(visitor);
            assertThat(r.merges()).singleElement().satisfies(m -> {
                assertThat(m.loser()).isEqualTo(user);
                assertThat(m.loserCreatedAt()).isEqualTo(5_000);
            });
        }

        @Test
        void profilesCreatedAtTheSameTimeMergeIntoTheSmallerId() throws Exception {
            graph.resolve(track("m1").user("u1").at(1_000).build());
            graph.resolve(track("m2").anon("a1").at(1_000).build());
            String user = expectedId("user_id", "u1");
            String visitor = expectedId("anonymous_id", "a1");
            String smaller = user.compareTo(visitor) < 0 ? user : visitor;

            Resolution r = graph.resolve(identify("m3").user("u1").anon("a1").at(2_000).build());

            assertThat(r.profileId()).isEqualTo(smaller);
            assertThat(store.profileIds()).containsExactly(smaller);
        }

        @Test
        void anEmailSharedByTwoAnonymousProfilesMergesThem() {
            String first = graph.resolve(track("m1").anon("a1").at(1_000).build()).profileId();
            String second = graph.resolve(track("m2").anon("a2").at(2_000).build()).profileId();
            graph.resolve(identify("m3").anon("a1").email("ada@example.com").at(3_000).build());

            Resolution r = graph.resolve(identify("m4").anon("a2").email("ada@example.com").at(4_000).build());

            assertThat(r.profileId()).isEqualTo(first);
            assertThat(r.merges()).extracting(IdentityMerge::loser).containsExactly(second);
            assertThat(store.identifiersOf(first)).extracting(AttachedIdentifier::identifier).containsExactly(
                    id("anonymous_id", "a1"), id("anonymous_id", "a2"), id("email", "ada@example.com"));
        }

        @Test
        void threeProfilesLinkedByOneEventAllMergeIntoTheOldestInAgeOrder() {
            String byUser = graph.resolve(track("m1").user("u1").at(3_000).build()).profileId();
            String byEmail = graph.resolve(identify("m2").anon("b1").email("ada@example.com").at(1_000).build())
                    .profileId();
            String byAnon = graph.resolve(track("m3").anon("c1").at(2_000).build()).profileId();

            Resolution r = graph.resolve(identify("m4").user("u1").anon("c1").email("ada@example.com").at(4_000)
                    .build());

            assertThat(r.profileId()).isEqualTo(byEmail);
            assertThat(r.merges()).extracting(IdentityMerge::loser).containsExactly(byAnon, byUser);
            assertThat(store.profileIds()).containsExactly(byEmail);
            assertThat(store.identifiersOf(byEmail)).hasSize(4);
        }

        @Test
        void aSharedAnonymousIdDoesNotMergeTwoLoggedInUsers() {
            String alice = graph.resolve(identify("m1").anon("shared").user("alice").at(1_000).build()).profileId();

            Resolution bobFirst = graph.resolve(identify("m2").anon("shared").user("bob").at(2_000).build());
            Resolution bobAgain = graph.resolve(track("m3").anon("shared").user("bob").at(3_000).build());
            Resolution anonymous = graph.resolve(track("m4").anon("shared").at(4_000).build());

            String bob = bobFirst.profileId();
            assertThat(bob).isNotEqualTo(alice);
            assertThat(bobFirst.created()).isTrue();
            assertThat(bobFirst.attached()).containsExactly(id("user_id", "bob"));
            assertThat(codes(bobFirst)).containsExactly(IdentityNotice.MERGE_REFUSED);
            assertThat(bobAgain.profileId()).isEqualTo(bob);
            assertThat(bobAgain.attached()).isEmpty();
            assertThat(codes(bobAgain)).containsExactly(IdentityNotice.MERGE_REFUSED);
            assertThat(anonymous.profileId()).isEqualTo(alice);
            assertThat(owner("anonymous_id", "shared")).isEqualTo(alice);
            assertThat(store.profileIds()).containsExactlyInAnyOrder(alice, bob);
        }

        @Test
        void twoKnownUsersSeenOnOneBrowserStayApart() {
            String alice = graph.resolve(identify("m1").anon("a1").user("alice").build()).profileId();
            String bob = graph.resolve(identify("m2").anon("b1").user("bob").build()).profileId();

            Resolution r = graph.resolve(track("m3").anon("a1").user("bob").build());

            assertThat(r.profileId()).isEqualTo(bob);
            assertThat(r.merges()).isEmpty();
            assertThat(codes(r)).containsExactly(IdentityNotice.MERGE_REFUSED);
            assertThat(owner("anonymous_id", "a1")).isEqualTo(alice);
        }

        @Test
        void aRefusedMergeSendsTheEventToTheProfileOfTheHighestPriorityIdentifier() {
            String alice = graph.resolve(identify("m1").user("alice").email("ada@example.com").build()).profileId();
            String bob = graph.resolve(identify("m2").user("bob").anon("b1").build()).profileId();

            Resolution r = graph.resolve(identify("m3").anon("b1").email("ada@example.com").build());

            assertThat(r.profileId()).isEqualTo(alice);
            assertThat(r.merges()).isEmpty();
            assertThat(r.attached()).isEmpty();
            assertThat(owner("anonymous_id", "b1")).isEqualTo(bob);
        }

        @Test
        void aMergeThatWouldGiveAProfileTooManyEmailsIsRefused() {
            graph.resolve(identify("m1").anon("a1").email("e1@x").build());
            graph.resolve(identify("m2").anon("a1").email("e2@x").build());
            String second = graph.resolve(identify("m3").anon("a2").email("e3@x").build()).profileId();
            graph.resolve(identify("m4").anon("a2").email("e4@x").build());

            Resolution r = graph.resolve(identify("m5").anon("a1").email("e3@x").build());

            assertThat(r.profileId()).isEqualTo(second);
            assertThat(r.merges()).isEmpty();
            assertThat(r.notices()).singleElement().satisfies(n -> {
                assertThat(n.code()).isEqualTo(IdentityNotice.MERGE_REFUSED);
                assertThat(n.message()).contains("email would hold 4 values, more than its cap of 3");
            });
        }

        @Test
        void aSharedDeviceNeverMergesTwoProfiles() {
            String first = graph.resolve(track("m1").anon("a1").device("d1").build()).profileId();
            String second = graph.resolve(track("m2").anon("a2").build()).profileId();

            Resolution r = graph.resolve(track("m3").anon("a2").device("d1").build());

            assertThat(r.profileId()).isEqualTo(second);
            assertThat(r.merges()).isEmpty();
            assertThat(codes(r)).containsExactly(IdentityNotice.CONFLICTING_IDENTIFIER);
            assertThat(owner("device_id", "d1")).isEqualTo(first);
        }

        @Test
        void aKnownDeviceNamesTheProfileOfAnOtherwiseUnknownVisitor() {
            String first = graph.resolve(track("m1").anon("a1").device("d1").build()).profileId();

            Resolution r = graph.resolve(track("m2").anon("a2").device("d1").build());

            assertThat(r.profileId()).isEqualTo(first);
            assertThat(r.attached()).containsExactly(id("anonymous_id", "a2"));
        }

        @Test
        void aSharedDeviceDoesNotGiveASecondUserToTheFirst() {
            String alice = graph.resolve(identify("m1").user("alice").device("d1").build()).profileId();

            Resolution bob = graph.resolve(identify("m2").user("bob").device("d1").build());

            assertThat(bob.profileId()).isNotEqualTo(alice);
            assertThat(bob.created()).isTrue();
            assertThat(codes(bob)).containsExactly(IdentityNotice.CONFLICTING_IDENTIFIER);
            assertThat(owner("device_id", "d1")).isEqualTo(alice);
        }

        @Test
        void noticesNameTypesAndProfilesButNeverIdentifierValues() {
            graph.resolve(identify("m1").anon("anon-secret").user("alice-secret").email("alice@secret").device("dev-secret")
                    .build());
            Resolution r = graph.resolve(identify("m2").anon("anon-secret").user("bob-secret").device("dev-secret")
                    .build());

            assertThat(r.notices()).isNotEmpty().allSatisfy(n -> assertThat(n.message()).doesNotContain("secret"));
        }
    }

    @Nested
    class Alias {
        @Test
        void anUnknownPreviousIdIsAttachedAsAnAnonymousId() {
            Resolution r = graph.resolve(alias("m1").user("u1").previous("v1").build());

            assertThat(r.created()).isTrue();
            assertThat(r.attached()).containsExactly(id("user_id", "u1"), id("anonymous_id", "v1"));
        }

        @Test
        void aPreviousIdIsMatchedAsAKnownUserIdBeforeAKnownAnonymousId() {
            IdentityGraph twoUserIds = new IdentityGraph(List.of(
                    new IdentityRule("user_id", List.of("userId"), true, 2, 0, null, IdentityRule.DEFAULT_BLOCKED, 0),
                    new IdentityRule("anonymous_id", List.of("anonymousId"), true, 10, 0, null,
                            IdentityRule.DEFAULT_BLOCKED, 1)), store);
            String asUser = twoUserIds.resolve(track("m1").user("x").build()).profileId();
            String asAnon = twoUserIds.resolve(track("m2").anon("x").build()).profileId();

            Resolution r = twoUserIds.resolve(alias("m3").user("y").previous("x").build());

            assertThat(r.profileId()).isEqualTo(asUser);
            assertThat(r.attached()).containsExactly(id("user_id", "y"));
            assertThat(owner("anonymous_id", "x")).isEqualTo(asAnon);
        }

        @Test
        void aPreviousIdThatIsAKnownAnonymousIdLinksThatVisitor() {
            String visitor = graph.resolve(track("m1").anon("a1").build()).profileId();

            Resolution r = graph.resolve(alias("m2").user("u1").anon("a2").previous("a1").build());

            assertThat(r.profileId()).isEqualTo(visitor);
            assertThat(r.attached()).containsExactly(id("user_id", "u1"), id("anonymous_id", "a2"));
        }

        @Test
        void aliasingTwoUserIdsIsRefusedWhileAProfileMayHoldOnlyOne() {
            String old = graph.resolve(track("m1").user("old").build()).profileId();

            Resolution r = graph.resolve(alias("m2").user("new").previous("old").build());

            assertThat(r.profileId()).isNotEqualTo(old);
            assertThat(codes(r)).containsExactly(IdentityNotice.MERGE_REFUSED);
            assertThat(owner("user_id", "old")).isEqualTo(old);
        }

        @Test
        void aBlockedPreviousIdIsIgnored() {
            Resolution r = graph.resolve(alias("m1").user("u1").previous("undefined").build());

            assertThat(r.attached()).containsExactly(id("user_id", "u1"));
            assertThat(codes(r)).containsExactly(IdentityNotice.BLOCKED_IDENTIFIER);
        }
    }

    @Nested
    class Caps {
        @Test
        void aProfileHoldsAtMostThreeEmails() {
            String p = graph.resolve(identify("m1").user("u1").email("e1@x").build()).profileId();
            graph.resolve(identify("m2").user("u1").email("e2@x").build());
            graph.resolve(identify("m3").user("u1").email("e3@x").build());

            Resolution fourth = graph.resolve(identify("m4").user("u1").email("e4@x").build());

            assertThat(fourth.profileId()).isEqualTo(p);
            assertThat(fourth.attached()).isEmpty();
            assertThat(codes(fourth)).containsExactly(IdentityNotice.CAP_PER_PROFILE);
            assertThat(owner("email", "e4@x")).isNull();
        }

        @Test
        void aProfileGainsAtMostFiftyAnonymousIdsPerDayAndMoreTheNextDay() {
            long day = 20_000 * DAY;
            String p = null;
            for (int i = 0; i < 50; i++) {
                Resolution r = graph.resolve(track("m" + i).user("u1").anon("a" + i).at(day + i * 60_000L).build());
                assertThat(r.attached()).as("anonymous id %d", i).containsExactly(
                        i == 0 ? new Identifier[]{id("user_id", "u1"), id("anonymous_id", "a0")}
                                : new Identifier[]{id("anonymous_id", "a" + i)});
                p = r.profileId();
            }

            Resolution fiftyFirst = graph.resolve(track("m50").user("u1").anon("a50").at(day + DAY - 1).build());
            Resolution nextDay = graph.resolve(track("m51").user("u1").anon("a51").at(day + DAY).build());
            Resolution lateForFirstDay = graph.resolve(track("m52").user("u1").anon("a52").at(day + 5).build());

            assertThat(fiftyFirst.profileId()).isEqualTo(p);
            assertThat(fiftyFirst.attached()).isEmpty();
            assertThat(codes(fiftyFirst)).containsExactly(IdentityNotice.CAP_PER_WINDOW);
            assertThat(nextDay.attached()).containsExactly(id("anonymous_id", "a51"));
            assertThat(codes(lateForFirstDay)).containsExactly(IdentityNotice.CAP_PER_WINDOW);
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "null", "unknown", "", "  NULL ", "Undefined", "00000000-0000-0000-0000-000000000000"})
        void blockedValuesNeverIdentifyAnyone(String blocked) {
            Resolution r = graph.resolve(identify("m1").user(blocked).anon("a1").email(blocked).device(blocked).build());

            assertThat(r.attached()).containsExactly(id("anonymous_id", "a1"));
            assertThat(codes(r)).containsExactly(IdentityNotice.BLOCKED_IDENTIFIER, IdentityNotice.BLOCKED_IDENTIFIER,
                    IdentityNotice.BLOCKED_IDENTIFIER);
        }

        @Test
        void aRuleCanBlockItsOwnValuesWhateverTheirCase() {
            IdentityGraph custom = new IdentityGraph(List.of(new IdentityRule("anonymous_id", List.of("anonymousId"),
                    true, 5, 0, null, Set.of("Kiosk-1"), 0)), store);

            Resolution r = custom.resolve(track("m1").anon(" KIOSK-1 ").build());

            assertThat(r.identified()).isFalse();
            assertThat(codes(r)).containsExactly(IdentityNotice.BLOCKED_IDENTIFIER, IdentityNotice.NO_IDENTIFIER);
        }

        @Test
        void anEventWithOnlyBlockedIdentifiersBelongsToNoProfile() {
            Resolution r = graph.resolve(track("m1").user("null").anon("0").build());

            assertThat(r.profileId()).isNull();
            assertThat(r.identified()).isFalse();
            assertThat(codes(r)).containsExactly(IdentityNotice.BLOCKED_IDENTIFIER, IdentityNotice.BLOCKED_IDENTIFIER,
                    IdentityNotice.NO_IDENTIFIER);
            assertThat(store.profileIds()).isEmpty();
        }
    }

    @Nested
    class Reversal {
        @Test
        void reversingAMergeRestoresBothProfilesWithTheirIdentifiersAndCreationTimes() {
            String visitor = graph.resolve(identify("m1").anon("a1").email("ada@example.com").at(1_000).build())
                    .profileId();
            String user = graph.resolve(identify("m2").user("u1").anon("a2").at(2_000).build()).profileId();
            List<AttachedIdentifier> before = store.identifiersOf(user);
            IdentityMerge merge = graph.resolve(alias("m3").user("u1").previous("a1").at(3_000).build()).merges().get(0);

            graph.reverse(merge);

            assertThat(store.profileIds()).containsExactlyInAnyOrder(visitor, user);
            assertThat(store.createdAt(user)).hasValue(2_000L);
            assertThat(store.createdAt(visitor)).hasValue(1_000L);
            assertThat(store.identifiersOf(user)).isEqualTo(before);
            assertThat(owner("user_id", "u1")).isEqualTo(user);
            assertThat(owner("anonymous_id", "a2")).isEqualTo(user);
            assertThat(owner("anonymous_id", "a1")).isEqualTo(visitor);
            assertThat(owner("email", "ada@example.com")).isEqualTo(visitor);
        }

        @Test
        void identifiersTheWinnerGainedAfterTheMergeStayWithIt() {
            String visitor = graph.resolve(track("m1").anon("a1").at(1_000).build()).profileId();
            graph.resolve(track("m2").user("u1").at(2_000).build());
            IdentityMerge merge = graph.resolve(identify("m3").user("u1").anon("a1").at(3_000).build()).merges().get(0);
            graph.resolve(identify("m4").user("u1").email("ada@example.com").at(4_000).build());

            graph.reverse(merge);

            assertThat(owner("email", "ada@example.com")).isEqualTo(visitor);
            assertThat(owner("user_id", "u1")).isEqualTo(merge.loser());
        }

        @Test
        void mergesAreReversedNewestFirstAndOutOfOrderIsRefusedWithoutChange() {
            String a = graph.resolve(track("m1").anon("a").at(2_000).build()).profileId();
            graph.resolve(track("m2").anon("b").at(3_000).build());
            graph.resolve(identify("m3").anon("b").email("e@x").at(4_000).build());
            IdentityMerge bIntoA = graph.resolve(identify("m3'").anon("a").email("e@x").at(4_500).build()).merges().get(0);
            graph.resolve(track("m4").user("z").at(1_000).build());
            IdentityMerge aIntoZ = graph.resolve(identify("m5").user("z").email("e@x").at(5_000).build()).merges().get(0);
            assertThat(bIntoA.winner()).isEqualTo(a);
            assertThat(aIntoZ.loser()).isEqualTo(a);
            Map<String, List<AttachedIdentifier>> merged = snapshot();

            assertThatThrownBy(() -> graph.reverse(bIntoA)).isInstanceOf(PortraitException.class)
                    .hasMessageContaining("winner " + a + " no longer exists")
                    .extracting(e -> ((PortraitException) e).code()).isEqualTo("merge_not_reversible");
            assertThat(snapshot()).isEqualTo(merged);

            graph.reverse(aIntoZ);
            graph.reverse(bIntoA);
            assertThat(store.profileIds()).hasSize(3);
            assertThatThrownBy(() -> graph.reverse(bIntoA)).hasMessageContaining("exists again");
        }

        private Map<String, List<AttachedIdentifier>> snapshot() {
            Map<String, List<AttachedIdentifier>> out = new java.util.TreeMap<>();
            store.profileIds().forEach(p -> out.put(p, store.identifiersOf(p)));
            return out;
        }
    }

    @Nested
    class Forgetting {
        @Test
        void forgettingRemovesTheProfileAndEveryIdentifierThatLedToIt() {
            String p = graph.resolve(identify("m1").user("u1").anon("a1").email("ada@example.com").device("d1").build())
                    .profileId();
            String other = graph.resolve(track("m2").anon("a2").build()).profileId();

            graph.forget(p);

            assertThat(store.exists(p)).isFalse();
            assertThat(store.identifiersOf(p)).isEmpty();
            for (Identifier i : List.of(id("user_id", "u1"), id("anonymous_id", "a1"), id("email", "ada@example.com"),
                    id("device_id", "d1"))) {
                assertThat(store.profileOf(i)).as(i.type()).isEmpty();
            }
            assertThat(store.profileIds()).containsExactly(other);
        }

        @Test
        void forgettingAnUnknownProfileDoesNothing() {
            graph.resolve(track("m1").anon("a1").build());

            graph.forget("p_unknown");

            assertThat(store.profileIds()).hasSize(1);
        }

        @Test
        void aForgottenPersonWhoComesBackStartsAFreshProfile() {
            String p = graph.resolve(identify("m1").user("u1").email("ada@example.com").at(1_000).build()).profileId();
            graph.forget(p);

            Resolution again = graph.resolve(track("m2").user("u1").at(9_000).build());

            assertThat(again.created()).isTrue();
            assertThat(again.attached()).containsExactly(id("user_id", "u1"));
            assertThat(store.createdAt(again.profileId())).hasValue(9_000L);
        }
    }

    @Nested
    class Rules {
        private final IdentityStore anyStore = new InMemoryIdentityStore();

        private IdentityRule rule(String type, String from) {
            return new IdentityRule(type, List.of(from), true, 1, 0, null, Set.of(), 0);
        }

        @Test
        void theDefaultsAreUserIdEmailDeviceAndAnonymousIdInThatOrder() {
            assertThat(IdentityGraph.defaultRules()).extracting(IdentityRule::type, IdentityRule::merge,
                    IdentityRule::maxPerProfile, IdentityRule::maxPerWindow, IdentityRule::priority).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("user_id", true, 1, 0, 0),
                    org.assertj.core.groups.Tuple.tuple("email", true, 3, 0, 1),
                    org.assertj.core.groups.Tuple.tuple("device_id", false, 20, 0, 2),
                    org.assertj.core.groups.Tuple.tuple("anonymous_id", true, 200, 50, 3));
            assertThat(IdentityGraph.defaultRules()).allSatisfy(r ->
                    assertThat(r.blocked()).isEqualTo(IdentityRule.DEFAULT_BLOCKED));
        }

        @Test
        void aTypeDeclaredTwiceIsRejectedNamingTheSecond() {
            assertThatThrownBy(() -> new IdentityGraph(List.of(rule("user_id", "userId"), rule("user_id", "traits.uid")),
                    anyStore)).isInstanceOf(DefinitionException.class)
                    .hasMessage("identity[1].type: identifier type user_id is declared twice");
        }

        @Test
        void aPathOutsideTheEventIsRejectedNamingIt() {
            for (String bad : List.of("user", "traits", "traits..email", "userId.x", "context.", "")) {
                assertThatThrownBy(() -> new IdentityGraph(List.of(rule("x", bad)), anyStore)).as(bad)
                        .isInstanceOf(DefinitionException.class)
                        .hasMessageStartingWith("identity[0].from[0]: \"" + bad + "\" is not an identifier path");
            }
        }

        @Test
        void aNegativeWindowCapOrAnEmptyWindowIsRejected() {
            assertThatThrownBy(() -> new IdentityGraph(List.of(new IdentityRule("a", List.of("anonymousId"), true, 1, -1,
                    null, Set.of(), 0)), anyStore)).hasMessageStartingWith("identity[0].maxPerWindow: -1 is negative");
            assertThatThrownBy(() -> new IdentityGraph(List.of(new IdentityRule("a", List.of("anonymousId"), true, 1, 5,
                    Duration.ZERO, Set.of(), 0)), anyStore)).hasMessageStartingWith("identity[0].window: PT0S");
        }

        @Test
        void noRulesAtAllIsRejected() {
            assertThatThrownBy(() -> new IdentityGraph(List.of(), anyStore)).isInstanceOf(DefinitionException.class)
                    .hasMessageContaining("at least one identity rule");
        }

        @Test
        void anEventOnlyOneRuleCanReadIsResolvedByThatRule() {
            IdentityGraph onlyEmail = new IdentityGraph(List.of(rule("email", "traits.email")), anyStore);

            Resolution noEmail = onlyEmail.resolve(track("m1").anon("a1").build());
            Resolution withEmail = onlyEmail.resolve(identify("m2").anon("a1").email("ada@example.com").build());

            assertThat(codes(noEmail)).containsExactly(IdentityNotice.NO_IDENTIFIER);
            assertThat(withEmail.attached()).containsExactly(id("email", "ada@example.com"));
        }
    }
}
