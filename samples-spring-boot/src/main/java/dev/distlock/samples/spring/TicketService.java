package dev.distlock.samples.spring;

import dev.distlock.annotation.DistributedLock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Service;

/**
 * Sells seats of events. The seat count is read, then written (as a database row would be), so
 * two instances selling at once would sell the same seat; {@code @DistributedLock} makes them
 * take turns per event. The starter proxies this bean: nothing else is needed.
 *
 * <p>Thread-safe through its lock, when called through the Spring proxy (a call from inside this
 * class would take no lock: self-invocation).
 */
@Service
public class TicketService {
    private final Map<String, Integer> seatsLeft = new ConcurrentHashMap<>();

    /** Creates the service; Spring does. */
    public TicketService() {
    }

    /**
     * Opens an event with a number of seats.
     *
     * @param event the event
     * @param seats the seats for sale
     * @throws IllegalArgumentException if {@code seats} is negative
     */
    public void open(String event, int seats) {
        if (seats < 0) {
            throw new IllegalArgumentException("seats must not be negative, was " + seats);
        }
        seatsLeft.put(event, seats);
    }

    /**
     * Sells one seat of {@code event} under the lock {@code event:<event>}, waiting up to 10 s.
     *
     * @param event the event
     * @return true if a seat was sold, false if the event is sold out
     * @throws dev.distlock.LockAcquisitionException if the lock was not free within 10 s
     */
    @DistributedLock(key = "'event:' + #event", waitTime = "10s")
    public boolean book(String event) {
        int left = seatsLeft.getOrDefault(event, 0);
        if (left == 0) {
            return false;
        }
        Thread.yield(); // the gap between the read and the write that the lock closes
        seatsLeft.put(event, left - 1);
        return true;
    }

    /**
     * Returns the seats left.
     *
     * @param event the event
     * @return the seats left, 0 for an unknown event
     */
    public int seatsLeft(String event) {
        return seatsLeft.getOrDefault(event, 0);
    }
}
