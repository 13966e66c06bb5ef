package dev.sluice.sim.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import org.jspecify.annotations.Nullable;

/**
 * An error in OpenAI's shape: {@code {"error": {"message", "type", "param", "code"}}}; a {@code
 * null} {@code param} or {@code code} is sent as JSON {@code null}, as OpenAI does.
 */
record OpenAiError(
    HttpStatus status, String type, String message, @Nullable String param, @Nullable String code) {

  /** A 400 about the request parameter {@code param}, or about the whole body when {@code null}. */
  static OpenAiError badRequest(String message, @Nullable String param) {
    return new OpenAiError(HttpStatus.BAD_REQUEST, "invalid_request_error", message, param, null);
  }

  /** The error for an HTTP status forced by header or picked by failure injection. */
  static OpenAiError forStatus(int status, String message) {
    HttpStatus httpStatus = HttpStatus.valueOf(status);
    String type;
    String code;
    switch (status) {
      case 400:
        type = "invalid_request_error";
        code = "invalid_request";
        break;
      case 401:
        type = "authentication_error";
        code = "invalid_api_key";
        break;
      case 404:
        type = "invalid_request_error";
        code = "model_not_found";
        break;
      case 429:
        type = "rate_limit_error";
        code = "rate_limit_exceeded";
        break;
      default:
        type = status >= 500 ? "server_error" : "invalid_request_error";
        code = null;
    }
    return new OpenAiError(httpStatus, type, message, null, code);
  }

  ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode root = mapper.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    return root;
  }

  HttpResponse toResponse(ObjectMapper mapper) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, toJson(mapper).toString());
  }
}
