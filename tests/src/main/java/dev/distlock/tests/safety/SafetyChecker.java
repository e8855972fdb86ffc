package dev.distlock.tests.safety;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a history (the workers' {@link Hold}s and the {@link FencedStore}'s log) against the
 * safety rules and lists every {@link Violation}.
 *
 * <p>A hold counts as <em>valid</em> when its worker was not told of a loss. The rules:
 * <ol>
 * <li><b>Mutual exclusion</b> ({@link Violation.Kind#OVERLAP}): no two valid holds overlap,
 *     judged twice: by the store's global sequence (each critical section spans its first to
 *     last store operation; exact, no clocks), and by wall-clock time (each spans
 *     acquired…end as recorded, which lies inside the real hold, so a recorded overlap is a real
 *     one; an overlap must exceed the margin, which only covers a wall-clock step).</li>
 * <li><b>Token order</b> ({@link Violation.Kind#TOKEN_ORDER},
 *     {@link Violation.Kind#DUPLICATE_TOKEN}): valid holds taken in order of acquisition have
 *     strictly increasing tokens; for any two holds, lost or not, if one ended (before its
 *     unlock) more than the margin before the other asked for the lock, the first was granted
 *     first and its token must be smaller; no two holds share a token.</li>
 * <li><b>Fencing</b> ({@link Violation.Kind#STALE_WRITE_UNTOLD}): every write the store refused
 *     belongs to a hold whose worker was told its lease was lost. Writes of holds with no
 *     record from a worker that was killed with {@code kill -9} are counted as unattributed.</li>
 * <li><b>The store itself</b> ({@link Violation.Kind#STORE_ACCEPTED_STALE},
 *     {@link Violation.Kind#STORE_REJECTED_CURRENT}, {@link Violation.Kind#MISSING_HISTORY}):
 *     it refused exactly the writes below the highest token, and every operation belongs to a
 *     recorded hold unless its worker was killed.</li>
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
public final class SafetyChecker {
    /** The default wall-clock margin: 1 ms. */
    public static final long DEFAULT_MARGIN_MICROS = 1_000;

    private final long marginMicros;

    /**
     * Makes a checker.
     *
     * @param marginMicros how far apart wall-clock readings of different processes must be to be
     *        trusted as ordered (they share one clock; the margin covers a clock step)
     * @throws IllegalArgumentException if {@code marginMicros} is negative
     */
    public SafetyChecker(long marginMicros) {
        if (marginMicros < 0) {
            throw new IllegalArgumentException("marginMicros must not be negative, was " + marginMicros);
        }
        this.marginMicros = marginMicros;
    }

    /**
     * The result of a check.
     *
     * @param violations every violation found (empty when the history is safe)
     * @param holds the number of holds checked
     * @param storeOps the number of store operations checked
     * @param staleWritesRejected writes the store refused
     * @param unattributedRejections refused writes of holds whose worker was killed before
     *        recording them
     */
    public record Result(List<Violation> violations, int holds, int storeOps, int staleWritesRejected,
            int unattributedRejections) {
        /**
         * Copies the list.
         *
         * @throws IllegalArgumentException if {@code violations} is null
         */
        public Result {
            if (violations == null) {
                throw new IllegalArgumentException("violations must not be null");
            }
            violations = List.copyOf(violations);
        }

        /**
         * Returns the violations of one kind.
         *
         * @param kind the kind
         * @return those violations
         */
        public List<Violation> of(Violation.Kind kind) {
            return violations.stream().filter(v -> v.kind() == kind).toList();
        }
    }

    /**
     * Checks a history.
     *
     * @param holds the holds recorded by every worker
     * @param ops the store's operations, in any order
     * @param killedWorkers the workers killed with {@code kill -9} during the run
     * @return the result
     * @throws IllegalArgumentException if an argument is null or two holds share an id
     */
    public Result check(Collection<Hold> holds, Collection<StoreOp> ops, Set<String> killedWorkers) {
        if (holds == null || ops == null || killedWorkers == null) {
            throw new IllegalArgumentException("holds, ops and killedWorkers must not be null");
        }
        Map<String, Hold> byId = new HashMap<>();
        for (Hold h : holds) {
            if (byId.put(h.holdId(), h) != null) {
                throw new IllegalArgumentException("two holds share the id " + h.holdId());
            }
        }
        List<StoreOp> sorted = new ArrayList<>(ops);
        sorted.sort(Comparator.comparingLong(StoreOp::seq));
        List<Violation> out = new ArrayList<>();
        int[] rejected = {0, 0};
        checkStore(sorted, byId, killedWorkers, out, rejected);
        List<Hold> valid = holds.stream().filter(h -> !h.lost()).toList();
        checkSequenceOverlap(sorted, byId, out);
        checkWallClockOverlap(valid, out);
        checkTokens(holds, valid, out);
        return new Result(out, holds.size(), ops.size(), rejected[0], rejected[1]);
    }

    private void checkStore(List<StoreOp> sorted, Map<String, Hold> byId, Set<String> killed, List<Violation> out,
            int[] rejected) {
        long highest = Long.MIN_VALUE;
        for (StoreOp op : sorted) {
            Hold h = byId.get(op.holdId());
            boolean killedWorker = killed.contains(op.worker());
            if (h == null && !killedWorker) {
                out.add(new Violation(Violation.Kind.MISSING_HISTORY, "store op " + op.seq() + " of " + op.holdId()
                        + " has no recorded hold and its worker was not killed"));
            }
            if (op.kind() != StoreOp.Kind.WRITE) {
                continue;
            }
            if (op.accepted() && op.token() < highest) {
                out.add(new Violation(Violation.Kind.STORE_ACCEPTED_STALE, "store op " + op.seq() + " of "
                        + op.holdId() + " wrote token " + op.token() + " below the highest " + highest));
            }
            if (!op.accepted() && op.token() >= highest) {
                out.add(new Violation(Violation.Kind.STORE_REJECTED_CURRENT, "store op " + op.seq() + " of "
                        + op.holdId() + " refused token " + op.token() + " not below the highest " + highest));
            }
            if (op.accepted()) {
                highest = Math.max(highest, op.token());
            } else {
                rejected[0]++;
                if (h == null) {
                    if (killedWorker) {
                        rejected[1]++;
                    }
                } else if (!h.lost()) {
                    out.add(new Violation(Violation.Kind.STALE_WRITE_UNTOLD, "store op " + op.seq() + " refused "
                            + op.holdId() + " (token " + op.token() + ", highest " + highest
                            + ") but its worker was never told its lease was lost"));
                }
            }
        }
    }

    private void checkSequenceOverlap(List<StoreOp> sorted, Map<String, Hold> byId, List<Violation> out) {
        Map<String, long[]> spans = new HashMap<>();
        for (StoreOp op : sorted) {
            Hold h = byId.get(op.holdId());
            if (h == null || h.lost()) {
                continue;
            }
            spans.computeIfAbsent(op.holdId(), k -> new long[] {op.seq(), op.seq()})[1] = op.seq();
        }
        List<Map.Entry<String, long[]>> list = new ArrayList<>(spans.entrySet());
        list.sort(Comparator.comparingLong(e -> e.getValue()[0]));
        String open = null;
        long openEnd = Long.MIN_VALUE;
        for (Map.Entry<String, long[]> e : list) {
            long[] span = e.getValue();
            if (open != null && span[0] < openEnd) {
                out.add(new Violation(Violation.Kind.OVERLAP, e.getKey() + " (store ops " + span[0] + ".." + span[1]
                        + ") ran inside " + open + " (store ops up to " + openEnd + "), both leases valid"));
            }
            if (span[1] > openEnd) {
                open = e.getKey();
                openEnd = span[1];
            }
        }
    }

    private void checkWallClockOverlap(List<Hold> valid, List<Violation> out) {
        List<Hold> byStart = new ArrayList<>(valid);
        byStart.sort(Comparator.comparingLong(Hold::acquiredMicros));
        Hold open = null;
        for (Hold h : byStart) {
            if (open != null && open.endMicros() - h.acquiredMicros() > marginMicros) {
                out.add(new Violation(Violation.Kind.OVERLAP, h.holdId() + " acquired at " + h.acquiredMicros()
                        + " µs while " + open.holdId() + " held until " + open.endMicros() + " µs ("
                        + (open.endMicros() - h.acquiredMicros()) + " µs, margin " + marginMicros
                        + " µs), both leases valid"));
            }
            if (open == null || h.endMicros() > open.endMicros()) {
                open = h;
            }
        }
    }

    private void checkTokens(Collection<Hold> all, List<Hold> valid, List<Violation> out) {
        Map<Long, Hold> byToken = new HashMap<>();
        for (Hold h : all) {
            Hold other = byToken.putIfAbsent(h.token(), h);
            if (other != null) {
                out.add(new Violation(Violation.Kind.DUPLICATE_TOKEN, h.holdId() + " and " + other.holdId()
                        + " both got token " + h.token()));
            }
        }
        List<Hold> byAcquired = new ArrayList<>(valid);
        byAcquired.sort(Comparator.comparingLong(Hold::acquiredMicros));
        for (int i = 1; i < byAcquired.size(); i++) {
            Hold a = byAcquired.get(i - 1);
            Hold b = byAcquired.get(i);
            if (b.token() <= a.token() && a.endMicros() + marginMicros < b.acquiredMicros()) {
                out.add(new Violation(Violation.Kind.TOKEN_ORDER, b.holdId() + " (token " + b.token()
                        + ") was granted after " + a.holdId() + " (token " + a.token() + ")"));
            }
        }
        // Any two holds: ended (before unlocking) well before the other asked => granted first.
        List<Hold> byEnd = new ArrayList<>(all);
        byEnd.sort(Comparator.comparingLong(Hold::endMicros));
        List<Hold> byRequest = new ArrayList<>(all);
        byRequest.sort(Comparator.comparingLong(Hold::requestMicros));
        int j = 0;
        Hold maxEnded = null;
        for (Hold b : byRequest) {
            while (j < byEnd.size() && byEnd.get(j).endMicros() + marginMicros < b.requestMicros()) {
                Hold a = byEnd.get(j++);
                if (maxEnded == null || a.token() > maxEnded.token()) {
                    maxEnded = a;
                }
            }
            if (maxEnded != null && maxEnded.token() >= b.token() && maxEnded != b) {
                out.add(new Violation(Violation.Kind.TOKEN_ORDER, b.holdId() + " (token " + b.token()
                        + ") asked for the lock after " + maxEnded.holdId() + " (token " + maxEnded.token()
                        + ") had ended, yet its token is not greater"));
            }
        }
    }
}
