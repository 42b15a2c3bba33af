package org.jlibp2p.proto.autonatv2;

import static org.jlibp2p.proto.ProtoAssertions.assertEnum;
import static org.jlibp2p.proto.ProtoAssertions.assertFields;
import static org.jlibp2p.proto.ProtoAssertions.assertFile;
import static org.jlibp2p.proto.ProtoAssertions.assertWire;
import static org.jlibp2p.proto.ProtoAssertions.bs;
import static org.jlibp2p.proto.ProtoAssertions.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.InvalidProtocolBufferException;
import org.jlibp2p.proto.autonatv2.AutonatV2Protos.DialBack;
import org.jlibp2p.proto.autonatv2.AutonatV2Protos.DialBackResponse;
import org.jlibp2p.proto.autonatv2.AutonatV2Protos.DialDataRequest;
import org.jlibp2p.proto.autonatv2.AutonatV2Protos.DialDataResponse;
import org.jlibp2p.proto.autonatv2.AutonatV2Protos.DialRequest;
import org.jlibp2p.proto.autonatv2.AutonatV2Protos.DialResponse;
import org.jlibp2p.proto.autonatv2.AutonatV2Protos.DialStatus;
import org.jlibp2p.proto.autonatv2.AutonatV2Protos.Message;
import org.junit.jupiter.api.Test;

class AutonatV2ProtoTest {

  @Test
  void schemaMatchesSpec() {
    assertFile(AutonatV2Protos.getDescriptor(), "proto3", "autonatv2.pb");
    assertFields(
        Message.getDescriptor(),
        "oneof autonatv2.pb.DialRequest dialRequest = 1",
        "oneof autonatv2.pb.DialResponse dialResponse = 2",
        "oneof autonatv2.pb.DialDataRequest dialDataRequest = 3",
        "oneof autonatv2.pb.DialDataResponse dialDataResponse = 4");
    assertEquals(1, Message.getDescriptor().getRealOneofs().size());
    assertEquals("msg", Message.getDescriptor().getRealOneofs().getFirst().getName());
    assertFields(DialRequest.getDescriptor(), "repeated bytes addrs = 1", "implicit fixed64 nonce = 2");
    assertFields(DialDataRequest.getDescriptor(), "implicit uint32 addrIdx = 1", "implicit uint64 numBytes = 2");
    assertEnum(DialStatus.getDescriptor(), "UNUSED = 0", "E_DIAL_ERROR = 100", "E_DIAL_BACK_ERROR = 101", "OK = 200");
    assertEnum(
        DialResponse.ResponseStatus.getDescriptor(),
        "E_INTERNAL_ERROR = 0", "E_REQUEST_REJECTED = 100", "E_DIAL_REFUSED = 101", "OK = 200");
    assertFields(
        DialResponse.getDescriptor(),
        "implicit autonatv2.pb.DialResponse.ResponseStatus status = 1",
        "implicit uint32 addrIdx = 2",
        "implicit autonatv2.pb.DialStatus dialStatus = 3");
    assertFields(DialDataResponse.getDescriptor(), "implicit bytes data = 1");
    assertFields(DialBack.getDescriptor(), "implicit fixed64 nonce = 1");
    assertEnum(DialBackResponse.DialBackStatus.getDescriptor(), "OK = 0");
    assertFields(
        DialBackResponse.getDescriptor(),
        "implicit autonatv2.pb.DialBackResponse.DialBackStatus status = 1");
  }

  @Test
  void dialRequestNonceIsFixed64LittleEndian() throws InvalidProtocolBufferException {
    Message m = Message.newBuilder()
        .setDialRequest(DialRequest.newBuilder().addAddrs(bs("aa")).setNonce(0x0102030405060708L))
        .build();
    String wire = "0a 0c  0a 01 aa  11 0807060504030201";
    assertWire(wire, m);
    assertEquals(m, Message.parseFrom(hex(wire)));
  }

  @Test
  void dialResponseOmitsZeroValues() throws InvalidProtocolBufferException {
    Message m = Message.newBuilder()
        .setDialResponse(DialResponse.newBuilder()
            .setStatus(DialResponse.ResponseStatus.OK)
            .setAddrIdx(0)
            .setDialStatus(DialStatus.OK))
        .build();
    assertWire("12 06  08 c801  18 c801", m);
    Message empty = Message.parseFrom(hex("12 00"));
    assertEquals(Message.MsgCase.DIALRESPONSE, empty.getMsgCase());
    assertEquals(DialResponse.ResponseStatus.E_INTERNAL_ERROR, empty.getDialResponse().getStatus());
  }

  @Test
  void dialDataExchange() {
    assertWire(
        "1a 06  08 01  10 a08d06",
        Message.newBuilder().setDialDataRequest(DialDataRequest.newBuilder().setAddrIdx(1).setNumBytes(100000)).build());
    assertWire(
        "22 04  0a 02 0000",
        Message.newBuilder().setDialDataResponse(DialDataResponse.newBuilder().setData(bs("0000"))).build());
  }

  @Test
  void dialBack() {
    assertWire("09 0100000000000000", DialBack.newBuilder().setNonce(1).build());
    assertWire("", DialBackResponse.newBuilder().setStatus(DialBackResponse.DialBackStatus.OK).build());
  }
}
