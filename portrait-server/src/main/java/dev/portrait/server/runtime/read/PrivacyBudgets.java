package dev.portrait.server.runtime.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portrait.core.PortraitException;
import dev.portrait.core.privacy.PrivacyCost;
import dev.portrait.core.privacy.PrivacyLedger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The privacy budget accountant: today's {@link PrivacyLedger}, kept in a small JSON file under the data
 * directory so a restart does not refill anyone's budget. Every charge is written (to a temporary file,
 * forced to disk, then renamed over the old one) before it is granted; a charge that cannot be written is
 * refused with {@code unavailable}. The file holds analyst names (digests of keys), never keys, and only
 * the current day.
 *
 * <p>A plain file rather than the store: the ledger is a few hundred bytes rewritten a few times a
 * minute at most, it must survive a store rebuild, and it must not depend on the event log.
 */
public final class PrivacyBudgets {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final InstantSource clock;
    private PrivacyLedger ledger;

    /** Opens the ledger file, or starts an empty one when there is none. */
    public PrivacyBudgets(Path file, InstantSource clock) {
        this.file = file;
        this.clock = clock;
        this.ledger = Files.exists(file) ? read(file) : PrivacyLedger.empty(today());
    }

    /**
     * Charges {@code cost} to {@code analyst}, durably.
     *
     * @throws PortraitException {@code privacy_budget_exhausted} when it does not fit today's budget,
     *         {@code unavailable} when the ledger cannot be written
     */
    public synchronized void charge(String analyst, PrivacyCost cost, PrivacyCost dailyBudget) {
        PrivacyLedger next = ledger.charge(analyst, cost, dailyBudget, today());
        try {
            write(next);
        } catch (IOException e) {
            throw new PortraitException("unavailable", "the privacy budget ledger could not be written, so nothing was "
                    + "charged or answered: " + e.getMessage(), null, e);
        }
        ledger = next;
    }

    public synchronized PrivacyCost spentToday(String analyst) {
        return ledger.spent(analyst, today());
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private void write(PrivacyLedger l) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("day", l.day().toString());
        ObjectNode spent = root.putObject("spent");
        l.spent().forEach((analyst, s) -> spent.putObject(analyst)
                .put("microEpsilon", s.microEpsilon()).put("femtoDelta", s.femtoDelta()));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(root)));
            channel.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        // the rename is durable only once the directory is: without this a crash could bring back the older
        // ledger, and with it budget already spent
        try (java.nio.channels.FileChannel dir = java.nio.channels.FileChannel.open(file.toAbsolutePath().getParent(),
                java.nio.file.StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static PrivacyLedger read(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            Map<String, PrivacyLedger.Spent> spent = new HashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = root.path("spent").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                spent.put(e.getKey(), new PrivacyLedger.Spent(e.getValue().path("microEpsilon").asLong(),
                        e.getValue().path("femtoDelta").asLong()));
            }
            return new PrivacyLedger(LocalDate.parse(root.path("day").asText()), spent);
        } catch (IOException | RuntimeException e) {
            // refusing to start beats starting with an empty ledger: that would refill every budget
            throw new UncheckedIOException(new IOException("the privacy budget ledger " + file + " cannot be read ("
                    + e.getMessage() + "); fix or remove it knowingly: removing it refills today's budgets", e));
        }
    }
}
