package dev.sluice.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopNTest {

  @Test
  void keepsTheFirstNOfAHundredThousandAndFoldsTheRest() {
    List<Integer> items = new ArrayList<>(IntStream.range(0, 100_000).boxed().toList());
    Collections.shuffle(items, new Random(7));
    long[] restSum = new long[1];
    int[] restCount = new int[1];
    List<Integer> top =
        TopN.select(
            items,
            Comparator.<Integer>reverseOrder(),
            20,
            i -> {
              restCount[0]++;
              restSum[0] += i;
            });
    assertThat(top)
        .containsExactlyElementsOf(IntStream.range(0, 20).map(i -> 99_999 - i).boxed().toList());
    assertThat(restCount[0]).isEqualTo(100_000 - 20);
    long all = 99_999L * 100_000 / 2;
    long kept = top.stream().mapToLong(Integer::longValue).sum();
    assertThat(restSum[0]).isEqualTo(all - kept);
  }

  @Test
  void fewerItemsThanNAreAllKeptInOrder() {
    List<String> rest = new ArrayList<>();
    assertThat(TopN.select(List.of("b", "c", "a"), Comparator.naturalOrder(), 5, rest::add))
        .containsExactly("a", "b", "c");
    assertThat(rest).isEmpty();
  }

  @Test
  void zeroKeepsNothing() {
    List<String> rest = new ArrayList<>();
    assertThat(TopN.select(List.of("b", "a"), Comparator.naturalOrder(), 0, rest::add)).isEmpty();
    assertThat(rest).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void negativeNIsRefused() {
    assertThatThrownBy(() -> TopN.select(List.of(), Comparator.<String>naturalOrder(), -1, x -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("n: -1 (expected: >= 0)");
  }
}
