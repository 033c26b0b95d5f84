package org.vvmhost.services.world.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.world.cluster.AssignmentTable.Action;
import org.vvmhost.services.world.cluster.AssignmentTable.AddPassive;
import org.vvmhost.services.world.cluster.AssignmentTable.Decision;
import org.vvmhost.services.world.cluster.AssignmentTable.Granted;
import org.vvmhost.services.world.cluster.AssignmentTable.Kind;
import org.vvmhost.services.world.cluster.AssignmentTable.Move;
import org.vvmhost.services.world.cluster.AssignmentTable.Place;

/** The assignment policy, event by event, with no simulator in sight. */
class AssignmentTableTest {

    /** One set, four areas of 40, 30, 20 and 10 entities, one passive per area. */
    private static final long[] ENTITIES = {40, 30, 20, 10};

    private AssignmentTable table = new AssignmentTable(List.of("physics"), 4, 1);

    private List<Action> on(AssignmentTable.Event event) {
        Decision decision = table.next(event);
        table = decision.table();
        return decision.actions();
    }

    private void join(String... names) {
        for (String name : names) {
            on(new AssignmentTable.Up(name, 0));
        }
    }

    @Test
    void aResetGivesTheLargestAreasFirstToTheLeastLoadedAndAPassiveOnAnother() {
        join("a", "b");

        List<Action> actions = on(new AssignmentTable.Reset(ENTITIES));

        assertThat(actions).filteredOn(Place.class::isInstance).extracting(a -> ((Place) a).area())
                .containsExactly(0, 1, 2, 3);
        // 40 to a, 30 to b, 20 to b (30 < 40), 10 to a (40 < 50): 50 each.
        assertThat(List.of(table.active(0, 0), table.active(0, 1), table.active(0, 2), table.active(0, 3)))
                .containsExactly("a", "b", "b", "a");
        for (int area = 0; area < 4; area++) {
            String other = table.active(0, area).equals("a") ? "b" : "a";
            assertThat(table.passives(0, area)).containsExactly(other);
        }
        assertThat(actions).filteredOn(AddPassive.class::isInstance).hasSize(4);
        assertThat(table.epoch(0, 0)).isPositive();
    }

    @Test
    void theInputTableIsLeftAlone() {
        join("a");
        AssignmentTable before = table;

        table.next(new AssignmentTable.Reset(ENTITIES));

        assertThat(before.active(0, 0)).isNull();
        assertThat(before.lastEpoch()).isZero();
    }

    @Test
    void aGracefulLeaveOffersItsAreasToThePassiveFirstThenToTheLeastLoaded() {
        join("a", "b", "c");
        on(new AssignmentTable.Reset(ENTITIES));
        String leaving = table.active(0, 0);
        String passive = table.passives(0, 0).get(0);

        List<Action> actions = on(new AssignmentTable.Leaving(leaving, new int[] {0}));

        Place place = (Place) actions.stream().filter(a -> a instanceof Place p && p.area() == 0).findFirst()
                .orElseThrow();
        assertThat(place.synced()).isFalse();
        assertThat(place.candidates().get(0)).isEqualTo(passive);
        assertThat(place.kinds()).startsWith(Kind.PROMOTED).endsWith(Kind.MIGRATED);
        assertThat(table.active(0, 0)).isNull();

        on(new AssignmentTable.Placed(0, 0, passive, place.epochs()[0], Kind.PROMOTED));

        assertThat(table.active(0, 0)).isEqualTo(passive);
        assertThat(table.passives(0, 0)).doesNotContain(passive);
        assertThat(table.promotions()).isEqualTo(1);
        assertThat(table.epoch(0, 0)).isEqualTo(place.epochs()[0]).isGreaterThan(4);
    }

    @Test
    void anActiveReportedStoppingKeepsThePassivesItsAreasAreToBePromotedTo() {
        join("a", "b");
        on(new AssignmentTable.Reset(ENTITIES));
        String leaving = table.active(0, 0);
        String staying = leaving.equals("a") ? "b" : "a";

        on(new AssignmentTable.Stopping(leaving, false));
        on(new AssignmentTable.Settle());

        assertThat(table.passives(0, 0)).containsExactly(staying);
    }

    @Test
    void aCrashPromotesAPassiveWithoutAResync() {
        join("a", "b");
        on(new AssignmentTable.Reset(ENTITIES));
        String crashing = table.active(0, 0);

        List<Action> actions = on(new AssignmentTable.Down(crashing, "Killed"));

        assertThat(actions).filteredOn(Place.class::isInstance).allSatisfy(a -> assertThat(((Place) a).synced())
                .isTrue());
        assertThat(table.lost()).isEmpty();
    }

    @Test
    void theGrantsOfAChangeAreTheAreasWithANewActiveOrANewEpoch() {
        join("a", "b");
        AssignmentTable empty = table;
        on(new AssignmentTable.Reset(ENTITIES));
        AssignmentTable assigned = table;

        assertThat(AssignmentTable.granted(empty, assigned))
                .extracting(Granted::set, Granted::area, Granted::container, Granted::epoch)
                .containsExactly(tuple(0, 0, "a", assigned.epoch(0, 0)), tuple(0, 1, "b", assigned.epoch(0, 1)),
                        tuple(0, 2, "b", assigned.epoch(0, 2)), tuple(0, 3, "a", assigned.epoch(0, 3)));
        assertThat(AssignmentTable.granted(assigned, assigned)).isEmpty();

        List<Action> actions = on(new AssignmentTable.Down("a", "Killed"));
        assertThat(AssignmentTable.granted(assigned, table)).as("an area without an active is no grant").isEmpty();
        Place promotion = (Place) actions.stream().filter(a -> a instanceof Place p && p.area() == 0).findFirst()
                .orElseThrow();
        on(new AssignmentTable.Placed(0, 0, "b", promotion.epochs()[0], Kind.PROMOTED));

        assertThat(AssignmentTable.granted(assigned, table)).containsExactly(
                new Granted(0, 0, "b", promotion.epochs()[0]));
        AssignmentTable promoted = table;
        on(new AssignmentTable.Reset(ENTITIES));
        assertThat(AssignmentTable.granted(promoted, table)).as("a rewind grants every area anew, the same "
                + "holder included").hasSize(4);
    }

    @Test
    void aCrashWithNoPassiveLosesTheAreaAndSaysWhy() {
        table = new AssignmentTable(List.of("physics"), 4, 0);
        join("a", "b");
        on(new AssignmentTable.Reset(ENTITIES));
        String crashing = table.active(0, 0);

        on(new AssignmentTable.Down(crashing, "FAILED Killed"));

        assertThat(table.lost()).isNotEmpty().allSatisfy(loss -> assertThat(loss)
                .startsWith("physics area ").contains(crashing).endsWith("had no passive to promote"));
    }

    @Test
    void aNewSimulatorTakesAreasFromTheMostLoadedWhileThatNarrowsTheGap() {
        join("a");
        on(new AssignmentTable.Reset(ENTITIES));
        join("b");

        List<Action> actions = on(new AssignmentTable.Settle());

        assertThat(actions).filteredOn(Move.class::isInstance)
                .extracting(a -> ((Move) a).from() + "->" + ((Move) a).to()).allMatch("a->b"::equals).isNotEmpty();
        assertThat(table.moves()).isPositive();
        long onA = 0;
        long onB = 0;
        for (int area = 0; area < 4; area++) {
            if (table.active(0, area).equals("a")) {
                onA += ENTITIES[area];
            } else {
                onB += ENTITIES[area];
            }
        }
        assertThat(Math.abs(onA - onB)).isLessThanOrEqualTo(20);
    }

    @Test
    void anAreaParkedForWantOfASimulatorGoesToTheNextOneThatAppears() {
        join("a");
        on(new AssignmentTable.Reset(ENTITIES));
        on(new AssignmentTable.Stopping("a", false));
        on(new AssignmentTable.Leaving("a", new int[] {0, 1, 2, 3}));
        for (int area = 0; area < 4; area++) {
            on(new AssignmentTable.Parked(0, area));
        }
        assertThat(table.isParked(0, 0)).isTrue();
        join("b");

        List<Action> actions = on(new AssignmentTable.Settle());

        assertThat(actions).filteredOn(Place.class::isInstance).hasSize(4)
                .allSatisfy(a -> assertThat(((Place) a).kinds()).containsExactly(Kind.UNPARKED));
        assertThat(table.allHeld()).isTrue();
    }
}
