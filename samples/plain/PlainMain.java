// A plain main that uses only the lock-api jar: no framework, no build tool.
// Run it with the jar on the class path (Java 17 runs a single source file directly):
//   java -cp lock-api/target/lock-api-0.1.0-SNAPSHOT.jar:<slf4j-api.jar> samples/plain/PlainMain.java
// .ci/run does exactly this after the tests.

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.Mutex;
import java.time.Duration;

public class PlainMain {
    public static void main(String[] args) throws Exception {
        try (LockClient client = LockClients.connect("memory://")) {
            Mutex mutex = client.mutex("orders:42");
            if (mutex.tryLock(Duration.ofSeconds(1))) {
                try {
                    System.out.println("holding orders:42 with fencing token " + mutex.fencingToken());
                } finally {
                    mutex.unlock();
                }
            }
            if (mutex.isLocked()) {
                throw new IllegalStateException("orders:42 should be free after unlock");
            }
            System.out.println("released orders:42");
        }
    }
}
