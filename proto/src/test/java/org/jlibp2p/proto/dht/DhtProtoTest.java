package org.jlibp2p.proto.dht;

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
import org.jlibp2p.proto.dht.DhtProtos.Message;
import org.jlibp2p.proto.dht.DhtProtos.Message.ConnectionType;
import org.jlibp2p.proto.dht.DhtProtos.Message.MessageType;
import org.jlibp2p.proto.dht.DhtProtos.Message.Peer;
import org.jlibp2p.proto.dht.DhtRecordProtos.Record;
import org.junit.jupiter.api.Test;

class DhtProtoTest {

  @Test
  void schemaMatchesSpec() {
    assertFile(DhtProtos.getDescriptor(), "proto3", "dht.pb");
    assertFile(DhtRecordProtos.getDescriptor(), "proto3", "record.pb");
    assertFields(
        Message.getDescriptor(),
        "implicit dht.pb.Message.MessageType type = 1",
        "implicit int32 clusterLevelRaw = 10",
        "implicit bytes key = 2",
        "optional record.pb.Record record = 3",
        "repeated dht.pb.Message.Peer closerPeers = 8",
        "repeated dht.pb.Message.Peer providerPeers = 9");
    assertFields(
        Peer.getDescriptor(),
        "implicit bytes id = 1",
        "repeated bytes addrs = 2",
        "implicit dht.pb.Message.ConnectionType connection = 3");
    assertFields(
        Record.getDescriptor(),
        "implicit bytes key = 1",
        "implicit bytes value = 2",
        "implicit string timeReceived = 5");
    assertEnum(
        MessageType.getDescriptor(),
        "PUT_VALUE = 0", "GET_VALUE = 1", "ADD_PROVIDER = 2", "GET_PROVIDERS = 3", "FIND_NODE = 4", "PING = 5");
    assertEnum(
        ConnectionType.getDescriptor(),
        "NOT_CONNECTED = 0", "CONNECTED = 1", "CAN_CONNECT = 2", "CANNOT_CONNECT = 3");
    assertClosed(MessageType.getDescriptor(), false);
  }

  @Test
  void findNodeResponse() throws InvalidProtocolBufferException {
    Message m = Message.newBuilder()
        .setType(MessageType.FIND_NODE)
        .setKey(bs("0102"))
        .addCloserPeers(Peer.newBuilder()
            .setId(bs("aa"))
            .addAddrs(bs("04 7f000001"))
            .setConnection(ConnectionType.CONNECTED))
        .build();
    String wire = "08 04  12 02 0102  42 0c 0a01aa 1205047f000001 1801";
    assertWire(wire, m);
    assertEquals(m, Message.parseFrom(hex(wire)));
  }

  @Test
  void providerPeersAndClusterLevelUseTheirOwnNumbers() {
    Message m = Message.newBuilder()
        .setType(MessageType.ADD_PROVIDER)
        .addProviderPeers(Peer.newBuilder().setId(bs("bb")))
        .setClusterLevelRaw(1)
        .build();
    // NOT_CONNECTED (0) is the proto3 default and is not written.
    assertWire("08 02  4a 03 0a01bb  50 01", m);
  }

  @Test
  void putValueCarriesRecord() throws InvalidProtocolBufferException {
    Record r = Record.newBuilder().setKey(bs("6b")).setValue(bs("76")).setTimeReceived("t").build();
    assertWire("0a 01 6b  12 01 76  2a 01 74", r);
    Message m = Message.newBuilder().setType(MessageType.PUT_VALUE).setKey(bs("6b")).setRecord(r).build();
    // PUT_VALUE is 0: implicit presence leaves it off the wire.
    assertWire("12 01 6b  1a 09 0a016b 120176 2a0174", m);
    Message parsed = Message.parseFrom(hex("1a 05 0a016b 1200"));
    assertEquals(MessageType.PUT_VALUE, parsed.getType());
    assertTrue(parsed.hasRecord());
    assertEquals(ByteString.EMPTY, parsed.getRecord().getValue());
  }

  @Test
  void zeroValuesAreNotWritten() {
    assertWire("", Message.newBuilder().setType(MessageType.PUT_VALUE).setKey(ByteString.EMPTY).build());
    assertFalse(Message.getDefaultInstance().hasRecord());
  }
}
