package dev.sluice.flow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks, for every module, that each public top-level type's Javadoc states its contract across
 * threads: it must mention thread-safety, immutability, statelessness or confinement. Exceptions
 * and enums are values and exempt. Stateless utility; thread-safe.
 */
public final class JavadocContract {

  private static final Pattern THREAD_WORDS =
      Pattern.compile("thread|immutable|stateless|confined to", Pattern.CASE_INSENSITIVE);

  private JavadocContract() {}

  /**
   * Every public top-level type under {@code sourceRoot}, by simple name, mapped to whether its
   * Javadoc states its thread-safety.
   */
  public static Map<String, Boolean> publicTypes(Path sourceRoot) {
    Map<String, Boolean> types = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path file :
          (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String source = Files.readString(file);
        String type = file.getFileName().toString().replace(".java", "");
        Matcher declaration =
            Pattern.compile(
                    "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*"
                        + "public (?:final |abstract )?(class|interface|enum|record) "
                        + type
                        + "\\b",
                    Pattern.DOTALL)
                .matcher(source);
        boolean isPublic =
            Pattern.compile(
                    "public (final |abstract )?(class|interface|enum|record) " + type + "\\b")
                .matcher(source)
                .find();
        if (!isPublic) {
          continue;
        }
        boolean documented = false;
        if (declaration.find()) {
          documented =
              THREAD_WORDS.matcher(declaration.group(1)).find()
                  || type.endsWith("Exception")
                  || declaration.group(2).equals("enum");
        }
        types.put(type, documented);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return types;
  }
}
