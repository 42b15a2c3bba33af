package org.jlibp2p.proto.circuit;

import static org.jlibp2p.proto.ProtoAssertions.assertClosed;
import static org.jlibp2p.proto.ProtoAssertions.assertEnum;
import static org.jlibp2p.proto.ProtoAssertions.assertFields;
import static org.jlibp2p.proto.ProtoAssertions.assertFile;
import static org.jlibp2p.proto.ProtoAssertions.assertWire;
import static org.jlibp2p.proto.ProtoAssertions.bs;
import static org.jlibp2p.proto.ProtoAssertions.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.jlibp2p.proto.circuit.CircuitProtos.HopMessage;
import org.jlibp2p.proto.circuit.CircuitProtos.Limit;
import org.jlibp2p.proto.circuit.CircuitProtos.Peer;
import org.jlibp2p.proto.circuit.CircuitProtos.Reservation;
import org.jlibp2p.proto.circuit.CircuitProtos.ReservationVoucher;
import org.jlibp2p.proto.circuit.CircuitProtos.Status;
import org.jlibp2p.proto.circuit.CircuitProtos.StopMessage;
import org.junit.jupiter.api.Test;

class CircuitProtoTest {

  @Test
  void schemaMatchesSpec() {
    assertFile(CircuitProtos.getDescriptor(), "proto3", "circuit.pb");
    assertEnum(HopMessage.Type.getDescriptor(), "RESERVE = 0", "CONNECT = 1", "STATUS = 2");
    assertFields(
        HopMessage.getDescriptor(),
        "optional circuit.pb.HopMessage.Type type = 1",
        "optional circuit.pb.Peer peer = 2",
        "optional circuit.pb.Reservation reservation = 3",
        "optional circuit.pb.Limit limit = 4",
        "optional circuit.pb.Status status = 5");
    assertEnum(StopMessage.Type.getDescriptor(), "CONNECT = 0", "STATUS = 1");
    assertFields(
        StopMessage.getDescriptor(),
        "optional circuit.pb.StopMessage.Type type = 1",
        "optional circuit.pb.Peer peer = 2",
        "optional circuit.pb.Limit limit = 3",
        "optional circuit.pb.Status status = 4");
    assertFields(Peer.getDescriptor(), "optional bytes id = 1", "repeated bytes addrs = 2");
    assertFields(
        Reservation.getDescriptor(),
        "optional uint64 expire = 1",
        "repeated bytes addrs = 2",
        "optional bytes voucher = 3");
    assertFields(Limit.getDescriptor(), "optional uint32 duration = 1", "optional uint64 data = 2");
    assertEnum(
        Status.getDescriptor(),
        "UNUSED = 0", "OK = 100", "RESERVATION_REFUSED = 200", "RESOURCE_LIMIT_EXCEEDED = 201",
        "PERMISSION_DENIED = 202", "CONNECTION_FAILED = 203", "NO_RESERVATION = 204",
        "MALFORMED_MESSAGE = 400", "UNEXPECTED_MESSAGE = 401");
    assertClosed(Status.getDescriptor(), false);
    assertFields(
        ReservationVoucher.getDescriptor(),
        "optional bytes relay = 1",
        "optional bytes peer = 2",
        "optional uint64 expiration = 3");
  }

  @Test
  void reserveWritesTypeZero() throws InvalidProtocolBufferException {
    // Explicit presence: RESERVE (0) is on the wire, as proto2 peers expect.
    assertWire("08 00", HopMessage.newBuilder().setType(HopMessage.Type.RESERVE).build());
    assertTrue(HopMessage.parseFrom(hex("08 00")).hasType());
    assertFalse(HopMessage.parseFrom(hex("")).hasType());
  }

  @Test
  void reservationAccepted() throws InvalidProtocolBufferException {
    HopMessage m = HopMessage.newBuilder()
        .setType(HopMessage.Type.STATUS)
        .setReservation(Reservation.newBuilder().setExpire(1).addAddrs(bs("aa")).setVoucher(bs("bb")))
        .setLimit(Limit.newBuilder().setDuration(120).setData(131072))
        .setStatus(Status.OK)
        .build();
    String wire = "08 02  1a 08 0801 1201aa 1a01bb  22 06 0878 10808008  28 64";
    assertWire(wire, m);
    assertEquals(m, HopMessage.parseFrom(hex(wire)));
  }

  @Test
  void connectAndStop() throws InvalidProtocolBufferException {
    HopMessage connect = HopMessage.newBuilder()
        .setType(HopMessage.Type.CONNECT)
        .setPeer(Peer.newBuilder().setId(bs("aa")).addAddrs(bs("04 7f000001")))
        .build();
    assertWire("08 01  12 0a 0a01aa 1205047f000001", connect);
    StopMessage stop = StopMessage.newBuilder()
        .setType(StopMessage.Type.CONNECT)
        .setPeer(Peer.newBuilder().setId(bs("aa")))
        .setLimit(Limit.getDefaultInstance())
        .build();
    assertWire("08 00  12 03 0a01aa  1a 00", stop);
    StopMessage refused = StopMessage.newBuilder()
        .setType(StopMessage.Type.STATUS)
        .setStatus(Status.RESERVATION_REFUSED)
        .build();
    assertWire("08 01  20 c801", refused);
    // An unknown status stays readable as a number instead of being dropped.
    StopMessage odd = StopMessage.parseFrom(hex("08 01  20 e807"));
    assertEquals(Status.UNRECOGNIZED, odd.getStatus());
    assertEquals(1000, odd.getStatusValue());
  }

  @Test
  void explicitPresenceOfEmptyPeerId() {
    assertWire("0a 00", Peer.newBuilder().setId(ByteString.EMPTY).build());
    assertWire("", Peer.getDefaultInstance());
  }

  @Test
  void voucher() throws InvalidProtocolBufferException {
    ReservationVoucher v = ReservationVoucher.newBuilder()
        .setRelay(bs("aa"))
        .setPeer(bs("bb"))
        .setExpiration(1)
        .build();
    assertWire("0a 01 aa  12 01 bb  18 01", v);
    assertEquals(v, ReservationVoucher.parseFrom(hex("18 01  12 01 bb  0a 01 aa")));
  }
}
