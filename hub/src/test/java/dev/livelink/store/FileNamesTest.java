package dev.livelink.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FileNamesTest {
  @Test
  void namesKeepCaseAndAvoidWhatWindowsAndMacOsRefuse() {
    assertThat(FileNames.encode("doc")).isEqualTo("doc");
    assertThat(FileNames.encode("Doc")).isEqualTo("%44oc");
    assertThat(FileNames.encode("a.b:c")).isEqualTo("a%2Eb%3Ac");
    assertThat(FileNames.encode("part_1-x")).isEqualTo("part_1-x");
    assertThat(FileNames.encode("trailing.")).isEqualTo("trailing%2E");
    assertThat(FileNames.encode("con")).isEqualTo("%63on");
    assertThat(FileNames.encode("COM1")).isEqualTo("%43%4F%4D1");
    assertThat(FileNames.encode("lpt9")).isEqualTo("%6Cpt9");
  }

  @Test
  void everyNameDecodesToItsId() {
    for (String id : new String[] {"doc", "Doc", "a.b:c", "con", "COM1", "x-_.:Y9"}) {
      assertThat(FileNames.decode(FileNames.encode(id))).isEqualTo(id);
      assertThat(FileNames.isEncoded(FileNames.encode(id))).isTrue();
    }
    assertThat(FileNames.decode("Doc")).isNull(); // a raw id of an older store, not a name encode makes
    assertThat(FileNames.isEncoded("a.b")).isFalse();
  }

  @Test
  void idsThatDifferOnlyByCaseGetNamesThatDifferWhenCaseIsIgnored() {
    Set<String> folded = new HashSet<>();
    for (String id : new String[] {"doc", "Doc", "dOc", "DOC", "doC"}) {
      assertThat(folded.add(FileNames.encode(id).toLowerCase(Locale.ROOT))).isTrue();
    }
  }

  @Test
  void aLongIdIsShortenedWithAHashOfItself() {
    String upper = "A".repeat(200);
    String name = FileNames.encode(upper);
    assertThat(name).hasSizeLessThanOrEqualTo(FileNames.MAX).matches("(%41){26}~[0-9a-f]{16}");
    assertThat(FileNames.encode("A".repeat(199) + "B")).isNotEqualTo(name);
    assertThat(FileNames.decode(name)).isNull();
    assertThat(FileNames.isEncoded(name)).isTrue();
    assertThat(FileNames.encode("a".repeat(120))).isEqualTo("a".repeat(120));
    assertThat(FileNames.encode("a".repeat(121))).hasSize(97).contains("~");
  }
}
