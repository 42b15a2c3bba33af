package org.jlibp2p.proto.rendezvous;

import static org.jlibp2p.proto.ProtoAssertions.assertEnum;
import static org.jlibp2p.proto.ProtoAssertions.assertFields;
import static org.jlibp2p.proto.ProtoAssertions.assertFile;
import static org.jlibp2p.proto.ProtoAssertions.assertWire;
import static org.jlibp2p.proto.ProtoAssertions.bs;
import static org.jlibp2p.proto.ProtoAssertions.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.InvalidProtocolBufferException;
import org.jlibp2p.proto.rendezvous.RendezvousProtos.Message;
import org.jlibp2p.proto.rendezvous.RendezvousProtos.Message.Discover;
import org.jlibp2p.proto.rendezvous.RendezvousProtos.Message.DiscoverResponse;
import org.jlibp2p.proto.rendezvous.RendezvousProtos.Message.MessageType;
import org.jlibp2p.proto.rendezvous.RendezvousProtos.Message.Register;
import org.jlibp2p.proto.rendezvous.RendezvousProtos.Message.RegisterResponse;
import org.jlibp2p.proto.rendezvous.RendezvousProtos.Message.ResponseStatus;
import org.jlibp2p.proto.rendezvous.RendezvousProtos.Message.Unregister;
import org.junit.jupiter.api.Test;

class RendezvousProtoTest {

  @Test
  void schemaMatchesSpec() {
    assertFile(RendezvousProtos.getDescriptor(), "proto2", "rendezvous.pb");
    assertEnum(
        MessageType.getDescriptor(),
        "REGISTER = 0", "REGISTER_RESPONSE = 1", "UNREGISTER = 2", "DISCOVER = 3", "DISCOVER_RESPONSE = 4");
    assertEnum(
        ResponseStatus.getDescriptor(),
        "OK = 0", "E_INVALID_NAMESPACE = 100", "E_INVALID_SIGNED_PEER_RECORD = 101", "E_INVALID_TTL = 102",
        "E_INVALID_COOKIE = 103", "E_NOT_AUTHORIZED = 200", "E_INTERNAL_ERROR = 300", "E_UNAVAILABLE = 400");
    assertFields(
        Message.getDescriptor(),
        "optional rendezvous.pb.Message.MessageType type = 1",
        "optional rendezvous.pb.Message.Register register = 2",
        "optional rendezvous.pb.Message.RegisterResponse registerResponse = 3",
        "optional rendezvous.pb.Message.Unregister unregister = 4",
        "optional rendezvous.pb.Message.Discover discover = 5",
        "optional rendezvous.pb.Message.DiscoverResponse discoverResponse = 6");
    assertFields(
        Register.getDescriptor(),
        "optional string ns = 1",
        "optional bytes signedPeerRecord = 2",
        "optional uint64 ttl = 3");
    assertFields(
        RegisterResponse.getDescriptor(),
        "optional rendezvous.pb.Message.ResponseStatus status = 1",
        "optional string statusText = 2",
        "optional uint64 ttl = 3");
    assertFields(Unregister.getDescriptor(), "optional string ns = 1");
    assertFields(
        Discover.getDescriptor(),
        "optional string ns = 1",
        "optional uint64 limit = 2",
        "optional bytes cookie = 3");
    assertFields(
        DiscoverResponse.getDescriptor(),
        "repeated rendezvous.pb.Message.Register registrations = 1",
        "optional bytes cookie = 2",
        "optional rendezvous.pb.Message.ResponseStatus status = 3",
        "optional string statusText = 4");
  }

  @Test
  void register() throws InvalidProtocolBufferException {
    Message m = Message.newBuilder()
        .setType(MessageType.REGISTER)
        .setRegister(Register.newBuilder().setNs("n").setSignedPeerRecord(bs("aa")).setTtl(7200))
        .build();
    String wire = "08 00  12 09 0a016e 1201aa 18a038";
    assertWire(wire, m);
    assertEquals(m, Message.parseFrom(hex(wire)));
  }

  @Test
  void discoverAndResponse() {
    Message discover = Message.newBuilder()
        .setType(MessageType.DISCOVER)
        .setDiscover(Discover.newBuilder().setNs("n").setLimit(10).setCookie(bs("cc")))
        .build();
    assertWire("08 03  2a 08 0a016e 100a 1a01cc", discover);
    Message response = Message.newBuilder()
        .setType(MessageType.DISCOVER_RESPONSE)
        .setDiscoverResponse(DiscoverResponse.newBuilder()
            .addRegistrations(Register.newBuilder().setNs("n"))
            .setCookie(bs("cc"))
            .setStatus(ResponseStatus.OK))
        .build();
    assertWire("08 04  32 0a 0a03 0a016e 1201cc 1800", response);
  }

  @Test
  void unregisterAndRefusal() {
    assertWire(
        "08 02  22 03 0a016e",
        Message.newBuilder().setType(MessageType.UNREGISTER).setUnregister(Unregister.newBuilder().setNs("n")).build());
    assertWire(
        "08 01  1a 03 189003",
        Message.newBuilder()
            .setType(MessageType.REGISTER_RESPONSE)
            .setRegisterResponse(RegisterResponse.newBuilder().setTtl(400))
            .build());
    assertWire(
        "08 01  1a 03 089003",
        Message.newBuilder()
            .setType(MessageType.REGISTER_RESPONSE)
            .setRegisterResponse(RegisterResponse.newBuilder().setStatus(ResponseStatus.E_UNAVAILABLE))
            .build());
  }
}
