package org.jlibp2p.proto.autonat;

import static org.jlibp2p.proto.ProtoAssertions.assertClosed;
import static org.jlibp2p.proto.ProtoAssertions.assertEnum;
import static org.jlibp2p.proto.ProtoAssertions.assertFields;
import static org.jlibp2p.proto.ProtoAssertions.assertFile;
import static org.jlibp2p.proto.ProtoAssertions.assertWire;
import static org.jlibp2p.proto.ProtoAssertions.bs;
import static org.jlibp2p.proto.ProtoAssertions.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.InvalidProtocolBufferException;
import org.jlibp2p.proto.autonat.AutonatProtos.Message;
import org.jlibp2p.proto.autonat.AutonatProtos.Message.Dial;
import org.jlibp2p.proto.autonat.AutonatProtos.Message.DialResponse;
import org.jlibp2p.proto.autonat.AutonatProtos.Message.MessageType;
import org.jlibp2p.proto.autonat.AutonatProtos.Message.PeerInfo;
import org.jlibp2p.proto.autonat.AutonatProtos.Message.ResponseStatus;
import org.junit.jupiter.api.Test;

class AutonatProtoTest {

  @Test
  void schemaMatchesSpec() {
    assertFile(AutonatProtos.getDescriptor(), "proto2", "autonat.pb");
    assertEnum(MessageType.getDescriptor(), "DIAL = 0", "DIAL_RESPONSE = 1");
    assertEnum(
        ResponseStatus.getDescriptor(),
        "OK = 0", "E_DIAL_ERROR = 100", "E_DIAL_REFUSED = 101", "E_BAD_REQUEST = 200", "E_INTERNAL_ERROR = 300");
    assertClosed(ResponseStatus.getDescriptor(), true);
    assertFields(
        Message.getDescriptor(),
        "optional autonat.pb.Message.MessageType type = 1",
        "optional autonat.pb.Message.Dial dial = 2",
        "optional autonat.pb.Message.DialResponse dialResponse = 3");
    assertFields(PeerInfo.getDescriptor(), "optional bytes id = 1", "repeated bytes addrs = 2");
    assertFields(Dial.getDescriptor(), "optional autonat.pb.Message.PeerInfo peer = 1");
    assertFields(
        DialResponse.getDescriptor(),
        "optional autonat.pb.Message.ResponseStatus status = 1",
        "optional string statusText = 2",
        "optional bytes addr = 3");
  }

  @Test
  void dialRequest() throws InvalidProtocolBufferException {
    Message m = Message.newBuilder()
        .setType(MessageType.DIAL)
        .setDial(Dial.newBuilder().setPeer(PeerInfo.newBuilder().setId(bs("aa")).addAddrs(bs("04 7f000001"))))
        .build();
    String wire = "08 00  12 0c 0a0a 0a01aa 1205047f000001";
    assertWire(wire, m);
    assertEquals(m, Message.parseFrom(hex(wire)));
  }

  @Test
  void dialResponses() throws InvalidProtocolBufferException {
    Message ok = Message.newBuilder()
        .setType(MessageType.DIAL_RESPONSE)
        .setDialResponse(DialResponse.newBuilder().setStatus(ResponseStatus.OK).setAddr(bs("04 7f000001")))
        .build();
    assertWire("08 01  1a 09 0800 1a05047f000001", ok);
    Message failed = Message.newBuilder()
        .setType(MessageType.DIAL_RESPONSE)
        .setDialResponse(DialResponse.newBuilder().setStatus(ResponseStatus.E_DIAL_ERROR).setStatusText("x"))
        .build();
    assertWire("08 01  1a 05 0864 120178", failed);
    Message internal = Message.parseFrom(hex("08 01  1a 03 08ac02"));
    assertEquals(ResponseStatus.E_INTERNAL_ERROR, internal.getDialResponse().getStatus());
    // A status this version does not know is kept aside, not mistaken for OK.
    Message unknown = Message.parseFrom(hex("08 01  1a 02 0866"));
    assertFalse(unknown.getDialResponse().hasStatus());
  }
}
