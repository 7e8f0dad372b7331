package dev.livelink.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HomeTest {
  @Test
  void livelinkHomeWinsOnEveryOs() {
    assertThat(Home.resolve(Map.of("LIVELINK_HOME", "/srv/ll", "XDG_CONFIG_HOME", "/x"), "/home/ann", "Linux"))
        .isEqualTo(Path.of("/srv/ll"));
  }

  @Test
  void linuxUsesXdgConfigHomeElseDotConfig() {
    assertThat(Home.resolve(Map.of("XDG_CONFIG_HOME", "/x"), "/home/ann", "Linux")).isEqualTo(Path.of("/x/livelink"));
    assertThat(Home.resolve(Map.of("LIVELINK_HOME", " "), "/home/ann", "Linux"))
        .isEqualTo(Path.of("/home/ann/.config/livelink"));
  }

  @Test
  void macAndWindowsUseTheirApplicationFolders() {
    assertThat(Home.resolve(Map.of(), "/Users/ann", "Mac OS X"))
        .isEqualTo(Path.of("/Users/ann", "Library", "Application Support", "livelink"));
    assertThat(Home.resolve(Map.of("APPDATA", "/c/ann/AppData/Roaming"), "/c/ann", "Windows 11"))
        .isEqualTo(Path.of("/c/ann/AppData/Roaming", "livelink"));
  }
}
