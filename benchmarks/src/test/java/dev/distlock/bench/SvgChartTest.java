package dev.distlock.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void isWellFormedSvgWithABarPerMeasuredValue() throws Exception {
        List<Result> results = new ArrayList<>();
        results.add(Result.of(Contender.REDISSON, Scenario.UNCONTENDED_1, 2_000, 400_000, 1_200_000));
        results.add(Result.of(Contender.DISTLOCK_MEMORY, Scenario.UNCONTENDED_1, 900_000, 700, 2_100));
        results.add(Result.of(Contender.CURATOR, Scenario.HANDOFF_4_PER_CLIENT, 300, 2_000_000, 9_000_000));
        results.add(Result.of(Contender.DISTLOCK_MEMORY, Scenario.REENTRANT, 5_000_000, 100, 150));
        // held is table-only, and a contender without a p99 gets no latency bar
        results.add(new Result(Contender.REDISSON, Scenario.HELD_UNDER_WATCHDOG, 3_000, -1, -1, Double.NaN, 0.1,
                Double.NaN, 1, 0, 0, ""));
        results.add(Result.of(Contender.REDIS_PING_FLOOR, Scenario.UNCONTENDED_8, 40_000, -1, -1));

        Document doc = parse(SvgChart.render("title <&> \"quoted\"", "2 cores", results));

        Element root = doc.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        NodeList titles = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "title");
        // throughput bars: 5 (held excluded); latency bars: 4 (the floor has no p99)
        assertThat(titles.getLength()).isEqualTo(9);
        assertThat(root.getTextContent()).contains("title <&> \"quoted\"").contains("2 cores")
                .contains("handoff, 4 threads on one name, a client per thread")
                .doesNotContain(Scenario.HELD_UNDER_WATCHDOG.title());
        NodeList rects = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            assertThat(Double.parseDouble(r.getAttribute("width"))).isPositive();
        }
    }

    @Test
    void emptyResultsStillGiveAValidDocument() throws Exception {
        Document doc = parse(SvgChart.render("nothing", "", List.of()));
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
    }

    @Test
    void escapesControlCharactersAndRejectsNulls() {
        assertThat(SvgChart.escape("a\u0001b'<")).isEqualTo("a b&apos;&lt;");
        assertThatThrownBy(() -> SvgChart.render(null, "", List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
