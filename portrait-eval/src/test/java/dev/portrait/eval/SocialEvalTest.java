package dev.portrait.eval;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The social evaluation on a small stream: the same figures every run, and the planted effect found. */
class SocialEvalTest {
    private static final SocialEval.Settings SMALL = new SocialEval.Settings(5, 300, 6, 10, 0.5, 10, Double.NaN);

    @Test
    void onAStreamWhereFriendsViewsPredictYoursTheSocialPartFindsMoreOfTheLastDaysPosts() {
        List<String> progress = new ArrayList<>();
        MetricTable table = new SocialEval(SMALL, progress::add).run();
        Map<String, Double> f = table.flat();
        assertThat(f).containsKeys("social.lastday.with-social.HR@10", "social.lastday.without-social.HR@10",
                "social.lastday.with-social.NDCG@10", "social.lastday.without-social.Recall@10",
                "social.lastday.with-social.socialFirstShare");
        assertThat(f.get("social.lastday.with-social.HR@10")).isGreaterThan(f.get("social.lastday.without-social.HR@10"));
        assertThat(f.get("social.lastday.with-social.NDCG@10"))
                .isGreaterThan(f.get("social.lastday.without-social.NDCG@10"));
        assertThat(f.get("social.lastday.with-social.socialFirstShare")).isGreaterThan(0.0);
        assertThat(table.toJson()).contains("\"peopleScored\" : ");
        assertThat(progress).anyMatch(line -> line.contains("people to score"));
        assertThat(new SocialEval(SMALL, line -> { }).run().flat()).as("a second run").isEqualTo(f);
    }

    @Test
    void aHeavierSocialWeightPutsTheTiesFirstMoreOften() {
        SocialEval.Settings light = new SocialEval.Settings(5, 300, 6, 10, 0.5, 10, 0.5);
        SocialEval.Settings heavy = new SocialEval.Settings(5, 300, 6, 10, 0.5, 10, 8);
        Map<String, Double> a = new SocialEval(light, line -> { }).run().flat();
        Map<String, Double> b = new SocialEval(heavy, line -> { }).run().flat();
        assertThat(b.get("social.lastday.with-social.socialItemShare"))
                .isGreaterThan(a.get("social.lastday.with-social.socialItemShare"));
        assertThat(b.get("social.lastday.without-social.HR@10")).as("the comparison's other side does not move")
                .isEqualTo(a.get("social.lastday.without-social.HR@10"));
    }

    @Test
    void settingsThatCannotMakeAStreamAreRefused() {
        assertThatThrownBy(() -> new SocialEval.Settings(1, 300, 6, 1, 0.5, 10, Double.NaN)).hasMessageContaining("days");
        assertThatThrownBy(() -> new SocialEval.Settings(1, 300, 6, 5, 1.5, 10, Double.NaN)).hasMessageContaining("echo");
        assertThatThrownBy(() -> new SocialEval.Settings(1, 3, 1, 5, 0.5, 10, Double.NaN)).hasMessageContaining("people");
        assertThatThrownBy(() -> new SocialEval.Settings(1, 300, 6, 5, 0.5, 0, Double.NaN)).hasMessageContaining("k");
        assertThatThrownBy(() -> new SocialEval.Settings(1, 300, 6, 5, 0.5, 10, -1)).hasMessageContaining("social weight");
    }
}
