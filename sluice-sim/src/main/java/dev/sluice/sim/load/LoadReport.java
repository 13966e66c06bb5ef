package dev.sluice.sim.load;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The outcome of a load run: figures for all requests, per tenant and per priority, plus every
 * request's record. Immutable.
 *
 * @param elapsedSeconds from the first request sent to the last outcome
 * @param total all requests
 * @param byTenant one entry per tenant, in the spec's order
 * @param byPriority one entry per priority, highest first
 * @param records every request, in completion order (left out of the JSON)
 */
public record LoadReport(
    double elapsedSeconds,
    GroupStats total,
    List<GroupStats> byTenant,
    List<GroupStats> byPriority,
    @JsonIgnore List<RequestRecord> records) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Builds the figures for {@code records} gathered under {@code spec}.
   *
   * @throws NullPointerException if a record's priority is none of {@code spec}'s tenants'
   */
  public static LoadReport of(LoadSpec spec, List<RequestRecord> records, double elapsedSeconds) {
    Map<String, Slo> slos =
        spec.tenants().stream().collect(Collectors.toMap(Tenant::name, spec::sloFor, (a, b) -> a));
    Function<RequestRecord, Slo> sloOf = record -> slos.getOrDefault(record.tenant(), spec.slo());
    List<GroupStats> byTenant = new ArrayList<>();
    for (Tenant tenant : spec.tenants()) {
      byTenant.add(
          GroupStats.of(
              tenant.name(),
              records.stream().filter(r -> r.tenant().equals(tenant.name())).toList(),
              elapsedSeconds,
              sloOf));
    }
    Map<Integer, List<RequestRecord>> priorities = new TreeMap<>((a, b) -> Integer.compare(b, a));
    spec.tenants().forEach(tenant -> priorities.put(tenant.priority(), new ArrayList<>()));
    records.forEach(
        record ->
            Objects.requireNonNull(
                    priorities.get(record.priority()), "record priority of no tenant")
                .add(record));
    List<GroupStats> byPriority = new ArrayList<>();
    priorities.forEach(
        (priority, group) ->
            byPriority.add(GroupStats.of("priority=" + priority, group, elapsedSeconds, sloOf)));
    return new LoadReport(
        elapsedSeconds,
        GroupStats.of("all", records, elapsedSeconds, sloOf),
        List.copyOf(byTenant),
        List.copyOf(byPriority),
        List.copyOf(records));
  }

  /** The figures (without per-request records) as indented JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
