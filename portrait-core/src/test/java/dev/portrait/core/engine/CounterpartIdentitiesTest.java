package dev.portrait.core.engine;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.IdentityStore;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.profile.Profile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static dev.portrait.core.engine.EngineEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

class CounterpartIdentitiesTest {
    private static final long DAY = 86_400_000L;

    private static ProfileDefinition definition(String identifierType) {
        return DefinitionLoader.parse("""
                name: ties
                features:
                  - name: ties
                    kind: tie_strength
                    counterpart: to
                    identifierType: %s
                    weights: {Message Sent: 1}
                    halfLife: 1d
                  - {name: strong_ties, kind: strong_ties, counterpart: to, identifierType: %s,
                     weights: {Message Sent: 1}, halfLife: 1d, threshold: 1.2}
                segments:
                  - {name: close_to_someone, when: features.strong_ties >= 1}
                """.formatted(identifierType, identifierType), "test");
    }

    private final EngineEvents events = new EngineEvents();

    private Event message(String from, String to, long at) {
        return events.track("Message Sent").by(from).with("to", to).at(at).build();
    }

    private Event identify(String user, String email, long at) {
        return events.identify().by(user).with("email", email).at(at).build();
    }

    @Test
    void whenIdentityJoinsTwoEmailsTheTiesToThemBecomeOneTieAtTheNextMessage() {
        ProfileEngine engine = new ProfileEngine(definition("email"));
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        ProfileTable profiles = ProfileTable.inMemory();
        engine.apply(identify("bob", "bob@home", T0), identities, profiles);
        engine.apply(message("ann", "bob@home", T0), identities, profiles);
        engine.apply(identify("bob", "bob@work", T0), identities, profiles);
        EngineStep before = engine.apply(message("ann", "cy@home", T0), identities, profiles);
        Profile ann = before.profile();
        assertThat(engine.updater().featureValues(ann, T0)).containsEntry("ties", Map.of("bob@home", 1.0, "cy@home", 1.0));
        assertThat(engine.updater().segmentNames(ann)).isEmpty();

        EngineStep united = engine.apply(message("ann", "bob@work", T0), identities, profiles);
        assertThat(engine.updater().featureValues(united.profile(), T0))
                .containsEntry("ties", Map.of("bob@work", 2.0, "cy@home", 1.0))
                .containsEntry("strong_ties", 1L);
        assertThat(engine.updater().segmentNames(united.profile())).as("the fold after uniting re-checks segments")
                .containsExactly("close_to_someone");
    }

    @Test
    void aCounterpartUnknownToIdentityKeepsTheKeyTheEventGave() {
        ProfileEngine engine = new ProfileEngine(definition("email"));
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        ProfileTable profiles = ProfileTable.inMemory();
        engine.apply(message("ann", "stranger@x", T0), identities, profiles);
        Profile ann = engine.apply(message("ann", "stranger@x", T0 + DAY), identities, profiles).profile();
        assertThat(engine.updater().featureValues(ann, T0 + DAY)).containsEntry("ties", Map.of("stranger@x", 1.5));
    }

    @Test
    void tiesNamedByATypeThatOnePersonHoldsOnceCostNoLookup() {
        ProfileEngine engine = new ProfileEngine(definition("user_id"));
        CountingStore identities = new CountingStore();
        ProfileTable profiles = ProfileTable.inMemory();
        engine.apply(identify("bob", "bob@home", T0), identities, profiles);
        engine.apply(message("ann", "bob", T0), identities, profiles);
        int afterFirst = identities.lookups;
        engine.apply(message("ann", "bob", T0), identities, profiles);
        assertThat(identities.lookups - afterFirst).as("lookups for ann's second message: her own identifiers only")
                .isEqualTo(countingResolveOnly(definition("user_id")));

        ProfileEngine byEmail = new ProfileEngine(definition("email"));
        CountingStore emails = new CountingStore();
        ProfileTable others = ProfileTable.inMemory();
        byEmail.apply(identify("bob", "bob@home", T0), emails, others);
        byEmail.apply(message("ann", "bob@home", T0), emails, others);
        int before = emails.lookups;
        byEmail.apply(message("ann", "bob@home", T0), emails, others);
        assertThat(emails.lookups - before).as("by email: the counterpart is looked up too")
                .isGreaterThan(countingResolveOnly(definition("email")));
    }

    /** How many profileOf calls resolving ann's repeat message costs with no relations looked up. */
    private int countingResolveOnly(ProfileDefinition definition) {
        ProfileEngine engine = new ProfileEngine(definition);
        CountingStore store = new CountingStore();
        engine.resolve(message("ann", "bob", T0), store);
        int first = store.lookups;
        engine.resolve(message("ann", "bob", T0), store);
        return store.lookups - first;
    }

    /** Counts lookups of identifiers, the reads a relation adds. */
    private static final class CountingStore implements IdentityStore {
        private final InMemoryIdentityStore store = new InMemoryIdentityStore();
        int lookups;

        @Override
        public Optional<String> profileOf(Identifier identifier) {
            lookups++;
            return store.profileOf(identifier);
        }

        @Override
        public List<AttachedIdentifier> identifiersOf(String profileId) {
            return store.identifiersOf(profileId);
        }

        @Override
        public OptionalLong createdAt(String profileId) {
            return store.createdAt(profileId);
        }

        @Override
        public void createProfile(String profileId, long createdAt) {
            store.createProfile(profileId, createdAt);
        }

        @Override
        public void deleteProfile(String profileId) {
            store.deleteProfile(profileId);
        }

        @Override
        public void attach(String profileId, Identifier identifier, long attachedAt) {
            store.attach(profileId, identifier, attachedAt);
        }

        @Override
        public void detach(String profileId, Identifier identifier) {
            store.detach(profileId, identifier);
        }
    }
}
