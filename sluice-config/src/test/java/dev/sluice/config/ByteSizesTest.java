package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

  @Test
  void readsBytesAndBinaryUnits() {
    assertThat(ByteSizes.parse("4096")).isEqualTo(4096);
    assertThat(ByteSizes.parse("512B")).isEqualTo(512);
    assertThat(ByteSizes.parse("16KiB")).isEqualTo(16 << 10);
    assertThat(ByteSizes.parse(" 64 MiB ")).isEqualTo(64L << 20);
    assertThat(ByteSizes.parse("2GiB")).isEqualTo(2L << 30);
    assertThat(ByteSizes.parse("1TiB")).isEqualTo(1L << 40);
  }

  @Test
  void refusesDecimalUnitsNegativesAndOverflow() {
    assertThat(ByteSizes.parse("64MB")).isEqualTo(-1);
    assertThat(ByteSizes.parse("-1")).isEqualTo(-1);
    assertThat(ByteSizes.parse("1.5KiB")).isEqualTo(-1);
    assertThat(ByteSizes.parse("9999999999TiB")).isEqualTo(-1);
    assertThat(ByteSizes.parse("99999999999999999999")).isEqualTo(-1);
    assertThatThrownBy(() -> ByteSizes.parseOrThrow("lots"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'lots' (expected: a size >= 0: bytes, or 512B, 16KiB, 64MiB, 2GiB, 1TiB)");
  }
}
