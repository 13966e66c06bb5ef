package dev.sluice.sim.load;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Figures for one group of requests (one tenant, one priority, or all). Immutable.
 *
 * @param group the tenant name, {@code priority=N}, or {@code all}
 * @param requests requests that got an outcome
 * @param succeeded status 200 with a complete stream
 * @param rejected429 responses with status 429
 * @param rejected503 responses with status 503
 * @param otherFailures any other failure, including no response
 * @param requestsPerSecond succeeded requests per second of the run
 * @param outputTokensPerSecond output tokens of succeeded requests per second of the run
 * @param ttftMs time to first token of succeeded requests
 * @param tpotMs time per output token after the first, of succeeded requests
 * @param e2eMs end-to-end latency of succeeded requests
 * @param good succeeded requests that met every objective
 * @param goodputPerSecond good requests per second of the run
 * @param goodputPercent good requests as a percentage of all requests in the group
 * @param failureReasons failed requests by reason
 */
public record GroupStats(
    String group,
    int requests,
    int succeeded,
    int rejected429,
    int rejected503,
    int otherFailures,
    double requestsPerSecond,
    double outputTokensPerSecond,
    Percentiles ttftMs,
    Percentiles tpotMs,
    Percentiles e2eMs,
    int good,
    double goodputPerSecond,
    double goodputPercent,
    Map<String, Integer> failureReasons) {

  static GroupStats of(
      String group,
      List<RequestRecord> records,
      double elapsedSeconds,
      Function<RequestRecord, Slo> slos) {
    int succeeded = 0;
    int status429 = 0;
    int status503 = 0;
    int other = 0;
    int good = 0;
    long outputTokens = 0;
    Map<String, Integer> reasons = new TreeMap<>();
    List<RequestRecord> ok = records.stream().filter(RequestRecord::succeeded).toList();
    for (RequestRecord record : records) {
      if (record.succeeded()) {
        succeeded++;
        outputTokens += record.outputTokens();
        if (slos.apply(record).isMetBy(record)) {
          good++;
        }
        continue;
      }
      if (record.status() == 429) {
        status429++;
      } else if (record.status() == 503) {
        status503++;
      } else {
        other++;
      }
      reasons.merge(record.reason() == null ? "unknown" : record.reason(), 1, Integer::sum);
    }
    double seconds = Math.max(elapsedSeconds, 1e-9);
    return new GroupStats(
        group,
        records.size(),
        succeeded,
        status429,
        status503,
        other,
        succeeded / seconds,
        outputTokens / seconds,
        Percentiles.ofNanos(ok.stream().mapToLong(RequestRecord::ttftNanos).toArray()),
        Percentiles.ofNanos(
            ok.stream()
                .filter(r -> r.outputTokens() > 1)
                .mapToLong(RequestRecord::tpotNanos)
                .toArray()),
        Percentiles.ofNanos(ok.stream().mapToLong(RequestRecord::e2eNanos).toArray()),
        good,
        good / seconds,
        records.isEmpty() ? 0 : 100.0 * good / records.size(),
        Map.copyOf(reasons));
  }
}
