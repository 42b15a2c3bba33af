package org.jlibp2p.proto.identify;

import static org.jlibp2p.proto.ProtoAssertions.assertFields;
import static org.jlibp2p.proto.ProtoAssertions.assertFile;
import static org.jlibp2p.proto.ProtoAssertions.assertWire;
import static org.jlibp2p.proto.ProtoAssertions.bs;
import static org.jlibp2p.proto.ProtoAssertions.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.jlibp2p.proto.identify.IdentifyProtos.Identify;
import org.junit.jupiter.api.Test;

class IdentifyProtoTest {

  @Test
  void schemaMatchesSpec() {
    assertFile(IdentifyProtos.getDescriptor(), "proto2", "identify.pb");
    assertFields(
        Identify.getDescriptor(),
        "optional bytes publicKey = 1",
        "repeated bytes listenAddrs = 2",
        "repeated string protocols = 3",
        "optional bytes observedAddr = 4",
        "optional string protocolVersion = 5",
        "optional string agentVersion = 6",
        "optional bytes signedPeerRecord = 8");
  }

  @Test
  void encodesEveryFieldInNumberOrder() {
    Identify m = Identify.newBuilder()
        .setProtocolVersion("ipfs/0.1.0")
        .setAgentVersion("j")
        .setPublicKey(bs("010203"))
        .addListenAddrs(bs("04 7f000001 06 0fa1")) // /ip4/127.0.0.1/tcp/4001
        .setObservedAddr(bs("04 0a000001"))
        .addProtocols("/p")
        .setSignedPeerRecord(bs("aabb"))
        .build();
    assertWire(
        "0a 03 010203"
            + "12 08 047f000001060fa1"
            + "1a 02 2f70"
            + "22 05 040a000001"
            + "2a 0a 697066732f302e312e30"
            + "32 01 6a"
            + "42 02 aabb",
        m);
  }

  @Test
  void parsesFieldsInAnyOrderAndKeepsUnknownOnes() throws InvalidProtocolBufferException {
    byte[] wire = hex("32 01 6a  0a 01 ff  12 01 01  12 01 02  3a 01 00");
    Identify m = Identify.parseFrom(wire);
    assertEquals("j", m.getAgentVersion());
    assertEquals(bs("ff"), m.getPublicKey());
    assertEquals(2, m.getListenAddrsCount());
    assertEquals(bs("02"), m.getListenAddrs(1));
    assertFalse(m.hasSignedPeerRecord());
    // Field 7 is unknown to us: it survives a round trip (after the known fields).
    assertArrayEquals(hex("0a 01 ff  12 01 01  12 01 02  32 01 6a  3a 01 00"), m.toByteArray());
  }

  @Test
  void presenceIsExplicitSoPushCanCarryEmptyValues() throws InvalidProtocolBufferException {
    assertWire("", Identify.getDefaultInstance());
    assertWire("32 00", Identify.newBuilder().setAgentVersion("").build());
    assertWire("42 00", Identify.newBuilder().setSignedPeerRecord(ByteString.EMPTY).build());
    Identify parsed = Identify.parseFrom(hex("32 00"));
    assertTrue(parsed.hasAgentVersion());
    assertFalse(parsed.hasProtocolVersion());
  }
}
