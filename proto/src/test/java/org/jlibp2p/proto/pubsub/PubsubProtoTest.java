package org.jlibp2p.proto.pubsub;

import static org.jlibp2p.proto.ProtoAssertions.assertEnum;
import static org.jlibp2p.proto.ProtoAssertions.assertFields;
import static org.jlibp2p.proto.ProtoAssertions.assertFile;
import static org.jlibp2p.proto.ProtoAssertions.assertWire;
import static org.jlibp2p.proto.ProtoAssertions.bs;
import static org.jlibp2p.proto.ProtoAssertions.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import org.jlibp2p.proto.pubsub.PubsubProtos.ControlExtensions;
import org.jlibp2p.proto.pubsub.PubsubProtos.ControlGraft;
import org.jlibp2p.proto.pubsub.PubsubProtos.ControlIDontWant;
import org.jlibp2p.proto.pubsub.PubsubProtos.ControlIHave;
import org.jlibp2p.proto.pubsub.PubsubProtos.ControlIWant;
import org.jlibp2p.proto.pubsub.PubsubProtos.ControlMessage;
import org.jlibp2p.proto.pubsub.PubsubProtos.ControlPrune;
import org.jlibp2p.proto.pubsub.PubsubProtos.Message;
import org.jlibp2p.proto.pubsub.PubsubProtos.PeerInfo;
import org.jlibp2p.proto.pubsub.PubsubProtos.RPC;
import org.jlibp2p.proto.pubsub.PubsubProtos.TopicDescriptor;
import org.junit.jupiter.api.Test;

class PubsubProtoTest {

  @Test
  void schemaMatchesSpec() {
    assertFile(PubsubProtos.getDescriptor(), "proto2", "pubsub.pb");
    assertFields(
        RPC.getDescriptor(),
        "repeated pubsub.pb.RPC.SubOpts subscriptions = 1",
        "repeated pubsub.pb.Message publish = 2",
        "optional pubsub.pb.ControlMessage control = 3");
    assertFields(
        RPC.SubOpts.getDescriptor(),
        "optional bool subscribe = 1",
        "optional string topicid = 2");
    assertFields(
        Message.getDescriptor(),
        "optional bytes from = 1",
        "optional bytes data = 2",
        "optional bytes seqno = 3",
        "optional string topic = 4",
        "optional bytes signature = 5",
        "optional bytes key = 6");
    assertFields(
        ControlMessage.getDescriptor(),
        "repeated pubsub.pb.ControlIHave ihave = 1",
        "repeated pubsub.pb.ControlIWant iwant = 2",
        "repeated pubsub.pb.ControlGraft graft = 3",
        "repeated pubsub.pb.ControlPrune prune = 4",
        "repeated pubsub.pb.ControlIDontWant idontwant = 5",
        "optional pubsub.pb.ControlExtensions extensions = 6");
    assertFields(
        ControlIHave.getDescriptor(),
        "optional string topicID = 1",
        "repeated bytes messageIDs = 2");
    assertFields(ControlIWant.getDescriptor(), "repeated bytes messageIDs = 1");
    assertFields(ControlGraft.getDescriptor(), "optional string topicID = 1");
    assertFields(
        ControlPrune.getDescriptor(),
        "optional string topicID = 1",
        "repeated pubsub.pb.PeerInfo peers = 2",
        "optional uint64 backoff = 3");
    assertFields(ControlIDontWant.getDescriptor(), "repeated bytes messageIDs = 1");
    assertFields(ControlExtensions.getDescriptor());
    assertFields(
        PeerInfo.getDescriptor(),
        "optional bytes peerID = 1",
        "optional bytes signedPeerRecord = 2");
    assertFields(
        TopicDescriptor.getDescriptor(),
        "optional string name = 1",
        "optional pubsub.pb.TopicDescriptor.AuthOpts auth = 2",
        "optional pubsub.pb.TopicDescriptor.EncOpts enc = 3");
    assertFields(
        TopicDescriptor.AuthOpts.getDescriptor(),
        "optional pubsub.pb.TopicDescriptor.AuthOpts.AuthMode mode = 1",
        "repeated bytes keys = 2");
    assertFields(
        TopicDescriptor.EncOpts.getDescriptor(),
        "optional pubsub.pb.TopicDescriptor.EncOpts.EncMode mode = 1",
        "repeated bytes keyHashes = 2");
    assertEnum(TopicDescriptor.AuthOpts.AuthMode.getDescriptor(), "NONE = 0", "KEY = 1", "WOT = 2");
    assertEnum(TopicDescriptor.EncOpts.EncMode.getDescriptor(), "NONE = 0", "SHAREDKEY = 1", "WOT = 2");
  }

  @Test
  void subscriptionsWriteFalseExplicitly() throws InvalidProtocolBufferException {
    RPC rpc = RPC.newBuilder()
        .addSubscriptions(RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid("t"))
        .addSubscriptions(RPC.SubOpts.newBuilder().setSubscribe(false).setTopicid("t"))
        .build();
    assertWire("0a 05 0801 120174  0a 05 0800 120174", rpc);
    RPC parsed = RPC.parseFrom(hex("0a 05 0800 120174"));
    assertTrue(parsed.getSubscriptions(0).hasSubscribe());
    assertFalse(parsed.getSubscriptions(0).getSubscribe());
  }

  @Test
  void publishedMessage() throws InvalidProtocolBufferException {
    Message msg = Message.newBuilder()
        .setFrom(bs("0001"))
        .setData(bs("6869"))
        .setSeqno(bs("0000000000000001"))
        .setTopic("t")
        .setSignature(bs("5a"))
        .setKey(bs("6b"))
        .build();
    String body = "0a 02 0001  12 02 6869  1a 08 0000000000000001  22 01 74  2a 01 5a  32 01 6b";
    assertWire(body, msg);
    assertWire("12 1b " + body, RPC.newBuilder().addPublish(msg).build());
    assertEquals(msg, Message.parseFrom(hex(body)));
  }

  @Test
  void controlMessageOfEveryKind() throws InvalidProtocolBufferException {
    ControlMessage control = ControlMessage.newBuilder()
        .addIhave(ControlIHave.newBuilder().setTopicID("t").addMessageIDs(bs("fffe")))
        .addIwant(ControlIWant.newBuilder().addMessageIDs(bs("ff")))
        .addGraft(ControlGraft.newBuilder().setTopicID("t"))
        .addPrune(ControlPrune.newBuilder()
            .setTopicID("t")
            .addPeers(PeerInfo.newBuilder().setPeerID(bs("01")).setSignedPeerRecord(bs("02")))
            .setBackoff(60))
        .addIdontwant(ControlIDontWant.newBuilder().addMessageIDs(bs("fffe")))
        .build();
    String body = "0a 07 0a0174 1202fffe"
        + "12 03 0a01ff"
        + "1a 03 0a0174"
        + "22 0d 0a0174 1206 0a0101 120102 183c"
        + "2a 04 0a02fffe";
    assertWire(body, control);
    assertWire("1a 28 " + body, RPC.newBuilder().setControl(control).build());
    // Message ids are not UTF-8; as bytes they come back unchanged.
    ControlMessage parsed = ControlMessage.parseFrom(hex(body));
    assertArrayEquals(hex("fffe"), parsed.getIdontwant(0).getMessageIDs(0).toByteArray());
    assertEquals(60, parsed.getPrune(0).getBackoff());
  }

  @Test
  void extensionsControlKeepsUnknownExtensions() throws InvalidProtocolBufferException {
    assertWire("32 00", ControlMessage.newBuilder().setExtensions(ControlExtensions.getDefaultInstance()).build());
    byte[] wire = hex("32 02 5001");
    ControlMessage parsed = ControlMessage.parseFrom(wire);
    assertTrue(parsed.hasExtensions());
    assertArrayEquals(wire, parsed.toByteArray());
  }
}
