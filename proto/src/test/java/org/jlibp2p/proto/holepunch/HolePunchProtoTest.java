package org.jlibp2p.proto.holepunch;

import static org.jlibp2p.proto.ProtoAssertions.assertClosed;
import static org.jlibp2p.proto.ProtoAssertions.assertEnum;
import static org.jlibp2p.proto.ProtoAssertions.assertFields;
import static org.jlibp2p.proto.ProtoAssertions.assertFile;
import static org.jlibp2p.proto.ProtoAssertions.assertWire;
import static org.jlibp2p.proto.ProtoAssertions.bs;
import static org.jlibp2p.proto.ProtoAssertions.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.InvalidProtocolBufferException;
import org.jlibp2p.proto.holepunch.HolePunchProtos.HolePunch;
import org.junit.jupiter.api.Test;

class HolePunchProtoTest {

  @Test
  void schemaMatchesSpec() {
    assertFile(HolePunchProtos.getDescriptor(), "proto2", "holepunch.pb");
    assertEnum(HolePunch.Type.getDescriptor(), "CONNECT = 100", "SYNC = 300");
    assertClosed(HolePunch.Type.getDescriptor(), true);
    assertFields(
        HolePunch.getDescriptor(),
        "required holepunch.pb.HolePunch.Type type = 1",
        "repeated bytes ObsAddrs = 2");
  }

  @Test
  void connectAndSync() throws InvalidProtocolBufferException {
    HolePunch connect = HolePunch.newBuilder()
        .setType(HolePunch.Type.CONNECT)
        .addObsAddrs(bs("04 7f000001"))
        .build();
    assertWire("08 64  12 05 047f000001", connect);
    assertEquals(connect, HolePunch.parseFrom(hex("08 64  12 05 047f000001")));
    assertWire("08 ac02", HolePunch.newBuilder().setType(HolePunch.Type.SYNC).build());
  }

  @Test
  void typeIsRequiredAndMustBeKnown() {
    assertThrows(InvalidProtocolBufferException.class, () -> HolePunch.parseFrom(hex("12 01 00")));
    assertThrows(InvalidProtocolBufferException.class, () -> HolePunch.parseFrom(hex("08 c801")));
  }
}
