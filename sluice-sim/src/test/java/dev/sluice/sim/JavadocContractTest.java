package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every public top-level type documents its contract, including how it behaves across threads. */
class JavadocContractTest {

  private static final Pattern PUBLIC_TYPE = Pattern.compile(
      "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*public (?:final |abstract )?"
          + "(?:class|interface|enum|record) (\\w+)", Pattern.DOTALL);
  private static final Pattern THREAD_WORDS = Pattern.compile(
      "thread|immutable|stateless|confined to", Pattern.CASE_INSENSITIVE);

  @Test
  void publicTypesStateTheirThreadSafety() throws IOException {
    List<String> undocumented = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String source = Files.readString(file);
        String type = file.getFileName().toString().replace(".java", "");
        if (!Pattern.compile("public (final |abstract )?(class|interface|enum|record) " + type + "\\b")
            .matcher(source).find()) {
          continue; // package-private
        }
        Matcher matcher = PUBLIC_TYPE.matcher(source);
        boolean documented = false;
        while (matcher.find()) {
          if (matcher.group(2).equals(type)) {
            documented = THREAD_WORDS.matcher(matcher.group(1)).find()
                || type.endsWith("Exception") || source.contains("public enum " + type);
          }
        }
        checked.add(type);
        if (!documented) {
          undocumented.add(file.toString());
        }
      }
    }
    assertThat(checked).contains("Engine", "SimulatorServer", "LoadRun", "SimScheduler");
    assertThat(undocumented).as("public types whose Javadoc does not state thread-safety").isEmpty();
  }
}
