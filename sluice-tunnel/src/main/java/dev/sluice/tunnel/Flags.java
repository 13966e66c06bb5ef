package dev.sluice.tunnel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code --name value} command-line flags, checked against the names a command knows, and the
 * values of a {@code --config} file ({@link ConfigFile}) if the command knows {@code config} and
 * one is given; a flag on the command line wins over the file. Errors name where the bad value came
 * from: {@code --window: -5 (...)} or {@code tunnel.yaml: window: -5 (...)}.
 */
final class Flags {

  private final Map<String, String> values = new HashMap<>();
  private final Map<String, String> labels = new HashMap<>(); // flag name -> how errors name it

  /**
   * @throws IllegalArgumentException for an unknown flag, a flag without a value, a repeat, or a
   *     bad config file
   */
  Flags(String[] args, Set<String> known) {
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || !known.contains(name.substring(2))) {
        throw new IllegalArgumentException("unknown flag: " + name);
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(name + ": missing value");
      }
      if (values.put(name.substring(2), args[++i]) != null) {
        throw new IllegalArgumentException(name + ": given twice");
      }
      labels.put(name.substring(2), name);
    }
    String file = values.remove("config");
    if (file != null) {
      Set<String> keys = new HashSet<>(known);
      keys.remove("config");
      ConfigFile.read(file, keys)
          .forEach(
              (name, value) -> {
                if (values.putIfAbsent(name, value) == null) {
                  labels.put(name, file + ": " + name);
                }
              });
    }
  }

  /** How errors name the flag: {@code --name}, or {@code FILE: name} if the file set it. */
  private String label(String name) {
    return labels.getOrDefault(name, "--" + name);
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  /** The flag's value, or null if it was not given. */
  @Nullable String optional(String name) {
    return values.get(name);
  }

  long number(String name, long fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(label(name) + ": " + value + " (expected: a number)", e);
    }
  }

  /** A port in 0..65535 ({@code allowNone}: -1 too, for "none"). */
  int port(String name, int fallback, boolean allowNone) {
    long port = number(name, fallback);
    if ((port < 0 && !(allowNone && port == -1)) || port > 65535) {
      throw new IllegalArgumentException(
          label(name)
              + ": "
              + port
              + " (expected: 0..65535"
              + (allowNone ? ", or -1 for none)" : ")"));
    }
    return (int) port;
  }

  /** A non-negative byte count. */
  long bytes(String name, long fallback) {
    long bytes = number(name, fallback);
    if (bytes < 0) {
      throw new IllegalArgumentException(label(name) + ": " + bytes + " (expected: >= 0)");
    }
    return bytes;
  }

  /** A count of at least 1 that fits an int. */
  int positive(String name, int fallback) {
    long value = number(name, fallback);
    if (value < 1 || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          label(name) + ": " + value + " (expected: 1.." + Integer.MAX_VALUE + ")");
    }
    return (int) value;
  }

  /** An address to bind or dial: an IP literal or a name that resolves. */
  String host(String name, String fallback) {
    String host = string(name, fallback);
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException | SecurityException e) {
      throw new IllegalArgumentException(
          label(name) + ": '" + host + "' (expected: an IP address or a resolvable host name)", e);
    }
    return host;
  }

  /** {@code host:port} with a port in 1..65535 and a host that resolves. */
  InetSocketAddress hostPort(String name, String fallback) {
    String value = string(name, fallback);
    InetSocketAddress address;
    try {
      address = AgentLink.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(label(name) + ": " + e.getMessage(), e);
    }
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          label(name) + ": '" + value + "' (expected: an IP address or a resolvable host name)");
    }
    return address;
  }

  /** A positive number of milliseconds. */
  Duration positiveMillis(String name, Duration fallback) {
    Duration value = millis(name, fallback);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          label(name) + ": " + value.toMillis() + " (expected: > 0)");
    }
    return value;
  }

  /** {@code --max-window}: 0 (no growth) or at least {@code --window}. */
  long maxWindow() {
    long window = bytes("window", 256 * 1024);
    long max = bytes("max-window", 0);
    if (max != 0 && max < window) {
      throw new IllegalArgumentException(
          label("max-window")
              + ": "
              + max
              + " (expected: 0 or >= "
              + label("window")
              + " "
              + window
              + ")");
    }
    return max;
  }

  /** A number of milliseconds, zero included. */
  Duration nonNegativeMillis(String name, Duration fallback) {
    Duration value = millis(name, fallback);
    if (value.isNegative()) {
      throw new IllegalArgumentException(
          label(name) + ": " + value.toMillis() + " (expected: >= 0)");
    }
    return value;
  }

  Duration millis(String name, Duration fallback) {
    return values.containsKey(name) ? Duration.ofMillis(number(name, 0)) : fallback;
  }
}
