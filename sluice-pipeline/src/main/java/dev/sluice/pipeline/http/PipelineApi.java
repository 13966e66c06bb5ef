package dev.sluice.pipeline.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sluice.backpressure.BackpressureStats;
import dev.sluice.pipeline.AckOutcome;
import dev.sluice.pipeline.AddResult;
import dev.sluice.pipeline.CommitOutcome;
import dev.sluice.pipeline.FailOutcome;
import dev.sluice.pipeline.ItemLease;
import dev.sluice.pipeline.ItemStatus;
import dev.sluice.pipeline.LeaseBatch;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.PipelineException;
import dev.sluice.pipeline.PipelineStatus;
import dev.sluice.pipeline.ResultLease;
import dev.sluice.pipeline.ResultRef;
import dev.sluice.pipeline.WorkItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The handlers of the HTTP API: parse the JSON body, call the {@link Pipeline}, render the answer.
 * Every error is {@code {"error": {"reason", "message"}}} with one status per {@link
 * PipelineException.Reason}, 400 {@code invalid} for a bad body. Stateless and thread-safe; the
 * pipeline's calls are short, so they run on the event loop.
 */
final class PipelineApi {

  /** The most items or results one call may ask for. */
  static final int MAX_BATCH = 10_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Pipeline pipeline;
  private final Duration maxWait;

  PipelineApi(Pipeline pipeline, Duration maxWait) {
    this.pipeline = pipeline;
    this.maxWait = maxWait;
  }

  HttpResponse addItems(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    return handle(
        req,
        body -> {
          JsonNode array = body.node().path("items");
          List<WorkItem> items = new ArrayList<>();
          if (!array.isArray() || array.isEmpty() || array.size() > MAX_BATCH) {
            body.error(
                "items: "
                    + JsonBody.render(array)
                    + " (expected a list of 1 to "
                    + MAX_BATCH
                    + " items {id, payload})");
          } else {
            for (int i = 0; i < array.size(); i++) {
              JsonNode item = array.get(i);
              JsonNode id = item.path("id");
              JsonNode payload = item.path("payload");
              if (!id.isTextual() || id.asText().isBlank()) {
                body.error(
                    "items["
                        + i
                        + "].id: "
                        + JsonBody.render(id)
                        + " (expected a non-blank string)");
              } else if (!payload.isTextual()) {
                body.error(
                    "items["
                        + i
                        + "].payload: "
                        + JsonBody.render(payload)
                        + " (expected a string)");
              } else {
                items.add(new WorkItem(id.asText(), payload.asText()));
              }
            }
          }
          if (!body.errors().isEmpty()) {
            return invalid(body);
          }
          AddResult result = pipeline.add(items);
          ObjectNode out = JSON.createObjectNode();
          out.put("added", result.added());
          out.put("duplicates", result.duplicates());
          return done(ok(out));
        });
  }

  HttpResponse lease(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    return handle(
        req,
        body -> {
          String worker = body.id("worker");
          int max = (int) body.integer("max", 1L, 1, MAX_BATCH);
          Duration wait = wait(body);
          if (!body.errors().isEmpty()) {
            return invalid(body);
          }
          CompletableFuture<LeaseBatch> future = pipeline.leaseAsync(worker, max, wait);
          cancelWhenGone(ctx, future);
          return future.thenApply(
              batch -> {
                ObjectNode out = JSON.createObjectNode();
                ArrayNode leases = out.putArray("leases");
                for (ItemLease lease : batch.leases()) {
                  ObjectNode l = leases.addObject();
                  l.put("leaseId", lease.leaseId());
                  l.put("itemId", lease.itemId());
                  l.put("payload", lease.payload());
                  l.put("attempt", lease.attempt());
                }
                out.put("paused", batch.paused());
                out.put("leaseTimeoutMs", pipeline.config().leaseTimeout().toMillis());
                return ok(out);
              });
        });
  }

  HttpResponse heartbeat(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    String leaseId = ctx.pathParam("id");
    return handle(
        req,
        body -> {
          String worker = body.id("worker");
          if (!body.errors().isEmpty()) {
            return invalid(body);
          }
          pipeline.heartbeat(worker, leaseId);
          return done(status(leaseId, "extended"));
        });
  }

  HttpResponse commit(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    String leaseId = ctx.pathParam("id");
    return handle(
        req,
        body -> {
          String worker = body.id("worker");
          String ref = body.id("ref");
          long bytes = body.integer("bytes", null, 0, Long.MAX_VALUE);
          if (!body.errors().isEmpty()) {
            return invalid(body);
          }
          CommitOutcome outcome = pipeline.commit(worker, leaseId, new ResultRef(ref, bytes));
          return done(
              status(
                  leaseId, outcome == CommitOutcome.COMMITTED ? "committed" : "already-committed"));
        });
  }

  HttpResponse fail(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    String leaseId = ctx.pathParam("id");
    return handle(
        req,
        body -> {
          String worker = body.id("worker");
          String reason = body.string("reason", "failed by the worker");
          boolean retryable = body.bool("retryable", true);
          if (!body.errors().isEmpty()) {
            return invalid(body);
          }
          FailOutcome outcome = pipeline.fail(worker, leaseId, reason, retryable);
          return done(status(leaseId, outcome == FailOutcome.RETRYING ? "retrying" : "failed"));
        });
  }

  HttpResponse leaseResults(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    return handle(
        req,
        body -> {
          String consumer = body.id("consumer");
          int max = (int) body.integer("max", 1L, 1, MAX_BATCH);
          Duration wait = wait(body);
          if (!body.errors().isEmpty()) {
            return invalid(body);
          }
          CompletableFuture<List<ResultLease>> future =
              pipeline.leaseResultsAsync(consumer, max, wait);
          cancelWhenGone(ctx, future);
          return future.thenApply(
              leases -> {
                ObjectNode out = JSON.createObjectNode();
                ArrayNode results = out.putArray("results");
                for (ResultLease lease : leases) {
                  ObjectNode r = results.addObject();
                  r.put("leaseId", lease.leaseId());
                  r.put("itemId", lease.itemId());
                  r.put("ref", lease.ref());
                  r.put("bytes", lease.bytes());
                  r.put("delivery", lease.delivery());
                }
                out.put("visibilityTimeoutMs", pipeline.config().visibilityTimeout().toMillis());
                return ok(out);
              });
        });
  }

  HttpResponse ack(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    String leaseId = ctx.pathParam("id");
    return handle(
        req,
        body -> {
          String consumer = body.id("consumer");
          if (!body.errors().isEmpty()) {
            return invalid(body);
          }
          AckOutcome outcome = pipeline.ack(consumer, leaseId);
          return done(status(leaseId, outcome == AckOutcome.ACKED ? "acked" : "already-acked"));
        });
  }

  HttpResponse heartbeatResult(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    String leaseId = ctx.pathParam("id");
    return handle(
        req,
        body -> {
          String consumer = body.id("consumer");
          if (!body.errors().isEmpty()) {
            return invalid(body);
          }
          pipeline.heartbeatResult(consumer, leaseId);
          return done(status(leaseId, "extended"));
        });
  }

  HttpResponse failResult(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    String leaseId = ctx.pathParam("id");
    return handle(
        req,
        body -> {
          String consumer = body.id("consumer");
          if (!body.errors().isEmpty()) {
            return invalid(body);
          }
          pipeline.failResult(consumer, leaseId);
          return done(status(leaseId, "visible"));
        });
  }

  HttpResponse item(ServiceRequestContext ctx) {
    Optional<ItemStatus> item = pipeline.item(ctx.pathParam("id"));
    if (item.isEmpty()) {
      return error(HttpStatus.NOT_FOUND, "unknown-item", "no item " + ctx.pathParam("id"));
    }
    ItemStatus s = item.get();
    ObjectNode out = JSON.createObjectNode();
    out.put("id", s.id());
    out.put("state", s.state().name().toLowerCase(Locale.ROOT));
    out.put("attempts", s.attempts());
    out.put("lastError", s.lastError());
    return ok(out);
  }

  HttpResponse status() {
    return ok(statusJson(pipeline.status()));
  }

  static ObjectNode statusJson(PipelineStatus s) {
    ObjectNode out = JSON.createObjectNode();
    out.put("paused", s.paused());
    ObjectNode items = out.putObject("items");
    items.put("pending", s.pending());
    items.put("leased", s.leased());
    items.put("added", s.added());
    items.put("failed", s.failed());
    items.put("retries", s.retries());
    items.put("expiredLeases", s.expiredLeases());
    ObjectNode results = out.putObject("results");
    results.put("visible", s.resultsVisible());
    results.put("leased", s.resultsLeased());
    results.put("committed", s.committed());
    results.put("acked", s.acked());
    results.put("backlog", s.backlog());
    results.put("expiredLeases", s.expiredResultLeases());
    results.put("oldestAgeMs", s.oldestResultAge().toMillis());
    ObjectNode bytes = out.putObject("bytes");
    bytes.put("resident", s.residentBytes());
    bytes.put("reserved", s.reservedBytes());
    bytes.put("peakResident", s.peakResidentBytes());
    bytes.put("peak", s.peakBytes());
    bytes.put("freeToHighWatermark", s.freeToHighWatermarkBytes());
    bytes.put("rejectedOverCapacity", s.rejectedOverCapacity());
    ObjectNode workers = out.putObject("leasesByWorker");
    s.leasesByWorker().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> workers.put(e.getKey(), e.getValue()));
    BackpressureStats bp = s.backpressure();
    ObjectNode b = out.putObject("backpressure");
    b.put("pauses", bp.pauses());
    b.put("resumes", bp.resumes());
    b.put("pausedMs", bp.timePaused().toMillis());
    b.put("producerStarvations", bp.producerStarvations());
    b.put("producerStarvedMs", bp.producerStarvedTime().toMillis());
    b.put("consumerStarvations", bp.consumerStarvations());
    b.put("consumerStarvedMs", bp.consumerStarvedTime().toMillis());
    return out;
  }

  private Duration wait(JsonBody body) {
    long waitMs = body.integer("waitMs", 0L, 0, Long.MAX_VALUE);
    Duration wait = Duration.ofMillis(waitMs);
    return wait.compareTo(maxWait) > 0 ? maxWait : wait;
  }

  /** A long poll whose client went away is withdrawn, so no work is leased to nobody. */
  private static void cancelWhenGone(ServiceRequestContext ctx, CompletableFuture<?> future) {
    CompletableFuture<Void> unused =
        ctx.whenRequestCancelling().thenRun(() -> future.cancel(false));
  }

  /** Parses the body and runs {@code handler}, mapping the pipeline's refusals to errors. */
  private static HttpResponse handle(
      AggregatedHttpRequest req, Function<JsonBody, CompletableFuture<HttpResponse>> handler) {
    JsonBody body = JsonBody.parse(JSON, req.contentUtf8());
    if (!body.errors().isEmpty()) {
      return error(HttpStatus.BAD_REQUEST, "invalid", String.join("; ", body.errors()));
    }
    CompletableFuture<HttpResponse> answer;
    try {
      answer = handler.apply(body);
    } catch (RuntimeException e) {
      return refusal(e);
    }
    return HttpResponse.of(answer.exceptionally(PipelineApi::refusal));
  }

  private static HttpResponse refusal(Throwable cause) {
    Throwable e =
        cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
    if (e instanceof PipelineException refused) {
      return error(
          HttpStatus.valueOf(refused.reason().httpStatus()),
          refused.reason().reason(),
          String.valueOf(refused.getMessage()));
    }
    if (e instanceof IllegalArgumentException) {
      return error(HttpStatus.BAD_REQUEST, "invalid", String.valueOf(e.getMessage()));
    }
    throw e instanceof RuntimeException runtime ? runtime : new CompletionException(e);
  }

  private static CompletableFuture<HttpResponse> invalid(JsonBody body) {
    return done(error(HttpStatus.BAD_REQUEST, "invalid", String.join("; ", body.errors())));
  }

  private static CompletableFuture<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  private static HttpResponse status(String leaseId, String status) {
    ObjectNode out = JSON.createObjectNode();
    out.put("leaseId", leaseId);
    out.put("status", status);
    return ok(out);
  }

  private static HttpResponse ok(ObjectNode body) {
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, body.toString());
  }

  static HttpResponse error(HttpStatus status, String reason, String message) {
    ObjectNode out = JSON.createObjectNode();
    ObjectNode error = out.putObject("error");
    error.put("reason", reason);
    error.put("message", message);
    return HttpResponse.of(status, MediaType.JSON_UTF_8, out.toString());
  }
}
