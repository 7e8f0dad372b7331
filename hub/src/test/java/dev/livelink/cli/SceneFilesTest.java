package dev.livelink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livelink.export.OutputFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneFilesTest {
  @TempDir Path dir;

  @Test
  void sceneIdsBecomeFileNamesThatWorkOnEverySystem() {
    assertThat(SceneFiles.baseName("Part.FCStd")).isEqualTo("Part.FCStd");
    assertThat(SceneFiles.baseName("Doc:1")).isEqualTo("Doc%3A1");
    assertThat(SceneFiles.baseName("con")).isEqualTo("%63on");
    assertThat(SceneFiles.baseName("LPT1")).isEqualTo("%4CPT1");
    assertThat(SceneFiles.baseName("console")).isEqualTo("console");
  }

  @Test
  void filesAreRenamedIntoPlaceDataFirstAndNoTempFileStays() throws Exception {
    Files.writeString(dir.resolve("m.gltf"), "old");
    List<Path> written = SceneFiles.write(dir, List.of(new OutputFile("m.bin", new byte[] {1, 2}),
        new OutputFile("m.gltf", "{}".getBytes())));
    assertThat(written).containsExactly(dir.resolve("m.bin"), dir.resolve("m.gltf"));
    assertThat(Files.readString(dir.resolve("m.gltf"))).isEqualTo("{}");
    assertThat(ReceiverTest.files(dir)).containsExactly("m.bin", "m.gltf");
    // The user's files, made as the umask says (as any file the user creates), not private like temp files.
    Path plain = Files.createFile(dir.resolve("plain"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("m.gltf"))).isEqualTo(Files.getPosixFilePermissions(plain));
  }

  @Test
  void aWriteThatFailsNamesTheFileAndReplacesNothing() throws Exception {
    Path gone = dir.resolve("gone");
    assertThatThrownBy(() -> SceneFiles.write(gone, List.of(new OutputFile("m.glb", new byte[1]))))
        .isInstanceOf(IOException.class).hasMessage("cannot write " + gone.resolve("m.glb") + ": no such folder");
    assertThat(ReceiverTest.files(dir)).isEmpty();
  }
}
