package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.wire.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A version published on A as a patch ({@code POST /v1/scenes/{id}/versions}) crosses to B as any version does:
 * federation sees the whole version the hub stored, so B's receiver gets the same delta as after a whole publish.
 */
class PatchFederationTest extends TwoHubsTest {
  @Test
  void aPatchOnAReachesBsReceiverAsTheWholeVersion() throws Exception {
    String blender = b.register("Blender", "file.blend", "both");
    FedHub.Events events = b.events(blender);
    String freecad = a.register("FreeCAD", "Doc", "sender");
    FederationTest.awaitRemotePeer(a, blender);
    Map<String, String> nodes = new LinkedHashMap<>();
    nodes.put("Box", a.putBlob(FederationTest.box(1)));
    nodes.put("Cylinder", a.putBlob(FederationTest.box(2)));
    a.publish(FederationTest.scene("Doc", nodes), freecad, null);
    JsonNode v1 = events.next("version", d -> d.path("scene").asText().endsWith(":Doc"));
    String localId = v1.path("scene").asText();

    String h3 = a.putBlob(FederationTest.box(3));
    nodes.put("Cylinder", h3);
    ObjectNode cylinder = (ObjectNode) FederationTest.scene("Doc", nodes).path("nodes").get(1);
    ObjectNode patch = Json.object().put("base", 1).put("sender", freecad);
    patch.putArray("upsert").add(cylinder);
    JsonNode answer = a.post("scenes/Doc/versions", patch);
    assertThat(answer.path("version").asInt()).isEqualTo(2);
    assertThat(answer.path("targets").toString()).contains(blender);

    JsonNode v2 = events.next("version", d -> d.path("scene").asText().equals(localId)
        && d.path("version").asInt() == 2);
    assertThat(v2).isNotNull();
    JsonNode delta = b.get("scenes/" + localId + "/delta?from=1");
    assertThat(delta.path("added")).isEmpty();
    assertThat(delta.path("removed")).isEmpty();
    assertThat(delta.path("changed")).hasSize(1);
    assertThat(delta.path("changed").get(0).path("node").path("id").asText()).isEqualTo("Cylinder");
    assertThat(delta.path("changed").get(0).path("node").path("mesh").asText()).isEqualTo(h3);
    assertThat(b.blob(h3)).isNotEmpty();
    assertThat(b.get("scenes/" + localId + "/delta?from=0").path("added")).hasSize(2);
  }
}
