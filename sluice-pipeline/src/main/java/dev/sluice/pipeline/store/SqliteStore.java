package dev.sluice.pipeline.store;

import dev.sluice.pipeline.ItemState;
import dev.sluice.pipeline.PipelineStore;
import dev.sluice.pipeline.PipelineStoreException;
import dev.sluice.pipeline.StoredItem;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PipelineStore} in one SQLite file (xerial sqlite-jdbc), in WAL mode: one row per item,
 * upserted by each {@link #write} in one transaction. One connection, used by one pipeline.
 *
 * <p>{@link Synchronous#FULL} (the default) syncs the write-ahead log at every commit, so every
 * answered call survives a power loss; {@link Synchronous#NORMAL} syncs only at checkpoints: an
 * answered call survives a crash of the process, but a power loss may roll back the last ones (an
 * ack then redelivers its result, a commit regenerates its item: at-least-once, nothing acked twice
 * from the pipeline's side). See the module README for what each costs.
 *
 * <p>Not thread-safe by itself; the pipeline calls it under its lock.
 */
public final class SqliteStore implements PipelineStore {

  /** When SQLite syncs the write-ahead log to disk. */
  public enum Synchronous {
    /** At checkpoints only: survives a process crash, not always a power loss. */
    NORMAL,
    /** At every transaction: survives a power loss. */
    FULL
  }

  private static final String SCHEMA_ITEMS =
      "CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, seq INTEGER NOT NULL,"
          + " payload TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,"
          + " last_error TEXT, ref TEXT, bytes INTEGER NOT NULL)";
  private static final String SCHEMA_META =
      "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)";
  private static final String UPSERT =
      "INSERT INTO items (id, seq, payload, state, attempts, last_error, ref, bytes)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state,"
          + " attempts = excluded.attempts, last_error = excluded.last_error,"
          + " ref = excluded.ref, bytes = excluded.bytes";

  private final Path file;
  private final Connection connection;
  private final PreparedStatement upsert;
  private boolean closed;

  private SqliteStore(Path file, Connection connection, PreparedStatement upsert) {
    this.file = file;
    this.connection = connection;
    this.upsert = upsert;
  }

  /**
   * Opens (or creates) the store in {@code file}, in WAL mode with {@code synchronous}.
   *
   * @param file the database file; its directory must exist and be writable
   * @param synchronous when to sync
   * @return the open store
   * @throws PipelineStoreException naming the file, if it cannot be opened or is not an SQLite
   *     database of this schema
   */
  public static SqliteStore open(Path file, Synchronous synchronous) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(synchronous, "synchronous");
    Connection connection = null;
    try {
      connection = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement st = connection.createStatement()) {
        try (ResultSet mode = st.executeQuery("PRAGMA journal_mode=WAL")) {
          String got = mode.next() ? mode.getString(1) : "none";
          if (!"wal".equalsIgnoreCase(got)) {
            throw new SQLException("journal_mode is " + got + " (expected: wal)");
          }
        }
        st.execute("PRAGMA synchronous=" + synchronous.name());
        st.execute("PRAGMA busy_timeout=5000");
        st.execute(SCHEMA_ITEMS);
        st.execute(SCHEMA_META);
      }
      connection.setAutoCommit(false);
      return new SqliteStore(file, connection, connection.prepareStatement(UPSERT));
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new PipelineStoreException(
          "store " + file + ": cannot open (" + e.getMessage() + ")", e);
    }
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public Recovered recover() {
    try {
      long epoch;
      try (Statement st = connection.createStatement()) {
        st.executeUpdate(
            "INSERT INTO meta (key, value) VALUES ('epoch', 1)"
                + " ON CONFLICT(key) DO UPDATE SET value = value + 1");
        try (ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE key = 'epoch'")) {
          rs.next();
          epoch = rs.getLong(1);
        }
      }
      List<StoredItem> items = new ArrayList<>();
      try (Statement st = connection.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT seq, id, payload, state, attempts, last_error, ref, bytes"
                      + " FROM items ORDER BY seq")) {
        while (rs.next()) {
          items.add(
              new StoredItem(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  ItemState.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)),
                  rs.getInt(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getLong(8)));
        }
      }
      connection.commit();
      return new Recovered(epoch, items);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      throw new PipelineStoreException(
          "store " + file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public void write(List<StoredItem> changes) {
    if (changes.isEmpty()) {
      return;
    }
    try {
      for (StoredItem item : changes) {
        upsert.setString(1, item.id());
        upsert.setLong(2, item.seq());
        upsert.setString(3, item.payload());
        upsert.setString(4, item.state().name().toLowerCase(Locale.ROOT));
        upsert.setInt(5, item.attempts());
        setNullable(6, item.lastError());
        setNullable(7, item.ref());
        upsert.setLong(8, item.bytes());
        upsert.addBatch();
      }
      upsert.executeBatch();
      connection.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw new PipelineStoreException(
          "store " + file + ": cannot write (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(connection);
  }

  private void setNullable(int index, @Nullable String value) throws SQLException {
    if (value == null) {
      upsert.setNull(index, Types.VARCHAR);
    } else {
      upsert.setString(index, value);
    }
  }

  private void rollbackQuietly() {
    try {
      upsert.clearBatch();
      connection.rollback();
    } catch (SQLException e) {
      // The write failed already; that error is the one reported.
    }
  }

  private static void closeQuietly(@Nullable Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // Nothing to do on close.
    }
  }
}
