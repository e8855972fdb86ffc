package dev.distlock.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Draws the run as one SVG file: throughput per scenario on the left and p99 latency per
 * scenario on the right, one bar per contender, both on log scales (the contenders differ by
 * orders of magnitude: memory vs ZooKeeper). Hand-written SVG 1.1, no scripts, no external
 * resources. The held-under-watchdog scenario is in the tables only (its rate is commands, not
 * operations).
 *
 * <p>Stateless and thread-safe.
 */
public final class SvgChart {
    private static final String[] COLOURS = {
        "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f", "#17becf", "#bcbd22"
    };
    private static final int LABEL_W = 330;
    private static final int PANEL_W = 380;
    private static final int GAP_W = 60;
    private static final int BAR_H = 10;
    private static final int GROUP_GAP = 12;
    private static final int TOP = 100;

    private SvgChart() {
    }

    /**
     * Renders the chart.
     *
     * @param title    the title line
     * @param subtitle a second line (for example the machine), may be empty
     * @param results  every measured point
     * @return the SVG document
     * @throws IllegalArgumentException if an argument is null
     */
    public static String render(String title, String subtitle, List<Result> results) {
        if (title == null || subtitle == null || results == null) {
            throw new IllegalArgumentException("title, subtitle and results must not be null");
        }
        Map<Contender, Map<Scenario, Result>> byContender = Report.index(results);
        List<Contender> contenders = new ArrayList<>(byContender.keySet());
        List<Scenario> scenarios = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            if (s.kind() == Scenario.Kind.HELD) {
                continue;
            }
            for (Contender c : contenders) {
                if (byContender.get(c).containsKey(s)) {
                    scenarios.add(s);
                    break;
                }
            }
        }
        int groupH = Math.max(1, contenders.size()) * BAR_H + GROUP_GAP;
        int width = LABEL_W + 2 * PANEL_W + GAP_W + 40;
        int height = TOP + Math.max(1, scenarios.size()) * groupH + 40;
        StringBuilder svg = new StringBuilder(16_384);
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" font-family=\"sans-serif\" font-size=\"11\">\n")
                .append("<rect x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" fill=\"white\"/>\n");
        text(svg, 10, 20, 15, "start", title);
        text(svg, 10, 36, 10, "start", subtitle);
        // legend
        int lx = 10;
        int ly = 54;
        for (int i = 0; i < contenders.size(); i++) {
            Contender c = contenders.get(i);
            int w = 24 + c.label().length() * 6;
            if (lx + w > width - 10) {
                lx = 10;
                ly += 16;
            }
            svg.append("<rect x=\"").append(lx).append("\" y=\"").append(ly - 9).append("\" width=\"10\" height=\"10\" fill=\"")
                    .append(colour(i)).append("\"/>\n");
            text(svg, lx + 14, ly, 11, "start", c.label());
            lx += w;
        }
        int px1 = LABEL_W;
        int px2 = LABEL_W + PANEL_W + GAP_W;
        panel(svg, px1, height, "throughput (ops/s, log scale; higher is better)", scenarios, contenders,
                byContender, r -> r.throughput(), false);
        panel(svg, px2, height, "p99 latency (µs, log scale; lower is better)", scenarios, contenders,
                byContender, r -> r.p99Nanos() > 0 ? r.p99Nanos() / 1000.0 : Double.NaN, true);
        for (int g = 0; g < scenarios.size(); g++) {
            int y = TOP + g * groupH + (contenders.size() * BAR_H) / 2 + 4;
            text(svg, LABEL_W - 8, y, 11, "end", scenarios.get(g).title());
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void panel(StringBuilder svg, int x0, int height, String caption, List<Scenario> scenarios,
                              List<Contender> contenders, Map<Contender, Map<Scenario, Result>> data,
                              ToDoubleFunction<Result> value, boolean latency) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (Contender c : contenders) {
            for (Scenario s : scenarios) {
                Result r = data.get(c).get(s);
                double v = r == null ? Double.NaN : value.applyAsDouble(r);
                if (v > 0 && Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (max == 0) {
            min = 1;
            max = 10;
        }
        double lo = Math.floor(Math.log10(min));
        double hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
        int groupH = Math.max(1, contenders.size()) * BAR_H + GROUP_GAP;
        int bottom = TOP + scenarios.size() * groupH;
        text(svg, x0, TOP - 22, 12, "start", caption);
        for (int d = (int) lo; d <= (int) hi; d++) {
            double gx = x0 + (d - lo) / (hi - lo) * PANEL_W;
            svg.append("<line x1=\"").append(fmt(gx)).append("\" y1=\"").append(TOP - 8).append("\" x2=\"")
                    .append(fmt(gx)).append("\" y2=\"").append(bottom).append("\" stroke=\"#dddddd\"/>\n");
            text(svg, gx, bottom + 14, 10, "middle", decade(d));
        }
        for (int g = 0; g < scenarios.size(); g++) {
            for (int i = 0; i < contenders.size(); i++) {
                Result r = data.get(contenders.get(i)).get(scenarios.get(g));
                double v = r == null ? Double.NaN : value.applyAsDouble(r);
                if (!(v > 0) || !Double.isFinite(v)) {
                    continue;
                }
                double w = Math.max(1, (Math.log10(v) - lo) / (hi - lo) * PANEL_W);
                int y = TOP + g * groupH + i * BAR_H;
                svg.append("<rect x=\"").append(x0).append("\" y=\"").append(y).append("\" width=\"").append(fmt(w))
                        .append("\" height=\"").append(BAR_H - 1).append("\" fill=\"").append(colour(i))
                        .append("\"><title>").append(escape(contenders.get(i).label() + ", "
                                + scenarios.get(g).title() + ": " + (latency ? Report.micros((long) (v * 1000)) + " µs"
                                : Report.rate(v) + " " + scenarios.get(g).throughputUnit())))
                        .append("</title></rect>\n");
                text(svg, x0 + w + 3, y + BAR_H - 2, 8, "start",
                        latency ? Report.micros((long) (v * 1000)) : Report.rate(v));
            }
        }
        svg.append("<line x1=\"").append(x0).append("\" y1=\"").append(TOP - 8).append("\" x2=\"").append(x0)
                .append("\" y2=\"").append(bottom).append("\" stroke=\"#333333\"/>\n");
    }

    private static String decade(int d) {
        if (d >= 0 && d <= 6) {
            return String.format(Locale.ROOT, "%,d", (long) Math.pow(10, d));
        }
        if (d < 0 && d >= -3) {
            return java.math.BigDecimal.ONE.scaleByPowerOfTen(d).toPlainString();
        }
        return "1e" + d;
    }

    private static void text(StringBuilder svg, double x, double y, int size, String anchor, String s) {
        svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" font-size=\"").append(size)
                .append("\" text-anchor=\"").append(anchor).append("\">").append(escape(s)).append("</text>\n");
    }

    private static String colour(int i) {
        return COLOURS[i % COLOURS.length];
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /**
     * Escapes text for XML character data and attribute values.
     *
     * @param s the text
     * @return the escaped text
     */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
                        b.append(' ');
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.toString();
    }
}
