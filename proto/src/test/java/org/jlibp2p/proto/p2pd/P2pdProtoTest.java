package org.jlibp2p.proto.p2pd;

import static org.jlibp2p.proto.ProtoAssertions.assertClosed;
import static org.jlibp2p.proto.ProtoAssertions.assertEnum;
import static org.jlibp2p.proto.ProtoAssertions.assertFields;
import static org.jlibp2p.proto.ProtoAssertions.assertFile;
import static org.jlibp2p.proto.ProtoAssertions.assertWire;
import static org.jlibp2p.proto.ProtoAssertions.bs;
import static org.jlibp2p.proto.ProtoAssertions.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UninitializedMessageException;
import org.jlibp2p.proto.p2pd.P2pdProtos.ConnManagerRequest;
import org.jlibp2p.proto.p2pd.P2pdProtos.ConnectRequest;
import org.jlibp2p.proto.p2pd.P2pdProtos.DHTRequest;
import org.jlibp2p.proto.p2pd.P2pdProtos.DHTResponse;
import org.jlibp2p.proto.p2pd.P2pdProtos.DisconnectRequest;
import org.jlibp2p.proto.p2pd.P2pdProtos.ErrorResponse;
import org.jlibp2p.proto.p2pd.P2pdProtos.IdentifyResponse;
import org.jlibp2p.proto.p2pd.P2pdProtos.PSMessage;
import org.jlibp2p.proto.p2pd.P2pdProtos.PSRequest;
import org.jlibp2p.proto.p2pd.P2pdProtos.PSResponse;
import org.jlibp2p.proto.p2pd.P2pdProtos.PeerInfo;
import org.jlibp2p.proto.p2pd.P2pdProtos.PeerstoreRequest;
import org.jlibp2p.proto.p2pd.P2pdProtos.PeerstoreResponse;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;
import org.jlibp2p.proto.p2pd.P2pdProtos.StreamHandlerRequest;
import org.jlibp2p.proto.p2pd.P2pdProtos.StreamInfo;
import org.jlibp2p.proto.p2pd.P2pdProtos.StreamOpenRequest;
import org.junit.jupiter.api.Test;

class P2pdProtoTest {

  @Test
  void fileIsProto2InPackageP2pdPb() {
    assertFile(P2pdProtos.getDescriptor(), "proto2", "p2pd.pb");
    // go-libp2p-daemon's 18 messages, and those of the extensions: RESOURCES 3, REACHABILITY 1, FORWARD 3, FILES 2
    assertEquals(18 + 3 + 1 + 3 + 2, P2pdProtos.getDescriptor().getMessageTypes().size());
  }

  @Test
  void requestAndResponseSchema() {
    assertEnum(
        Request.Type.getDescriptor(),
        "IDENTIFY = 0", "CONNECT = 1", "STREAM_OPEN = 2", "STREAM_HANDLER = 3", "DHT = 4",
        "LIST_PEERS = 5", "CONNMANAGER = 6", "DISCONNECT = 7", "PUBSUB = 8", "PEERSTORE = 9",
        "RESOURCES = 100", "REACHABILITY = 101", "FORWARD = 120", "FILES = 140");
    assertClosed(Request.Type.getDescriptor(), true);
    assertFields(
        Request.getDescriptor(),
        "required p2pd.pb.Request.Type type = 1",
        "optional p2pd.pb.ConnectRequest connect = 2",
        "optional p2pd.pb.StreamOpenRequest streamOpen = 3",
        "optional p2pd.pb.StreamHandlerRequest streamHandler = 4",
        "optional p2pd.pb.DHTRequest dht = 5",
        "optional p2pd.pb.ConnManagerRequest connManager = 6",
        "optional p2pd.pb.DisconnectRequest disconnect = 7",
        "optional p2pd.pb.PSRequest pubsub = 8",
        "optional p2pd.pb.PeerstoreRequest peerStore = 9",
        "optional p2pd.pb.ForwardRequest forward = 120",
        "optional p2pd.pb.FilesRequest files = 140");
    assertEnum(Response.Type.getDescriptor(), "OK = 0", "ERROR = 1");
    assertFields(
        Response.getDescriptor(),
        "required p2pd.pb.Response.Type type = 1",
        "optional p2pd.pb.ErrorResponse error = 2",
        "optional p2pd.pb.StreamInfo streamInfo = 3",
        "optional p2pd.pb.IdentifyResponse identify = 4",
        "optional p2pd.pb.DHTResponse dht = 5",
        "repeated p2pd.pb.PeerInfo peers = 6",
        "optional p2pd.pb.PSResponse pubsub = 7",
        "optional p2pd.pb.PeerstoreResponse peerStore = 8",
        "optional p2pd.pb.ResourcesResponse resources = 100",
        "optional p2pd.pb.ReachabilityResponse reachability = 101",
        "optional p2pd.pb.ForwardResponse forward = 120",
        "optional p2pd.pb.FilesResponse files = 140");
  }

  @Test
  void filesExtensionSchema() {
    assertEnum(P2pdProtos.FilesRequest.Type.getDescriptor(), "ADD = 0", "GET = 1");
    assertFields(
        P2pdProtos.FilesRequest.getDescriptor(),
        "required p2pd.pb.FilesRequest.Type type = 1",
        "optional string path = 2",
        "optional uint32 cidVersion = 3",
        "optional uint32 chunkSize = 4",
        "optional bool rawLeaves = 5",
        "optional bytes cid = 6",
        "repeated bytes peers = 7",
        "optional int64 timeout = 8",
        "optional string dagPath = 9");
    assertFields(
        P2pdProtos.FilesResponse.getDescriptor(),
        "optional bytes cid = 1",
        "optional uint64 size = 2",
        "optional uint64 blocks = 3",
        "optional int64 bytesDone = 4",
        "optional int64 bytesTotal = 5",
        "optional int64 bytesFetched = 6",
        "optional uint32 peers = 7",
        "optional uint64 elapsedMillis = 8",
        "optional bool done = 9",
        "optional uint64 files = 10",
        "optional uint64 directories = 11");
  }

  @Test
  void resourcesExtensionSchema() {
    assertFields(
        P2pdProtos.ResourcesResponse.getDescriptor(),
        "repeated p2pd.pb.ScopeUsage scopes = 1",
        "repeated p2pd.pb.RefusalCount refusals = 2");
    assertFields(
        P2pdProtos.ScopeUsage.getDescriptor(),
        "required string scope = 1",
        "optional int64 connsInbound = 2",
        "optional int64 connsOutbound = 3",
        "optional int64 streamsInbound = 4",
        "optional int64 streamsOutbound = 5",
        "optional int64 memory = 6",
        "optional int64 fd = 7",
        "optional p2pd.pb.ScopeUsage limit = 8");
    assertFields(
        P2pdProtos.RefusalCount.getDescriptor(),
        "required string reason = 1",
        "required int64 count = 2");
  }

  @Test
  void controlMessagesSchema() {
    assertFields(
        IdentifyResponse.getDescriptor(),
        "required bytes id = 1",
        "repeated bytes addrs = 2");
    assertFields(
        ConnectRequest.getDescriptor(),
        "required bytes peer = 1",
        "repeated bytes addrs = 2",
        "optional int64 timeout = 3");
    assertFields(
        StreamOpenRequest.getDescriptor(),
        "required bytes peer = 1",
        "repeated string proto = 2",
        "optional int64 timeout = 3");
    assertFields(
        StreamHandlerRequest.getDescriptor(),
        "required bytes addr = 1",
        "repeated string proto = 2");
    assertFields(ErrorResponse.getDescriptor(), "required string msg = 1");
    assertFields(
        StreamInfo.getDescriptor(),
        "required bytes peer = 1",
        "required bytes addr = 2",
        "required string proto = 3");
    assertFields(
        PeerInfo.getDescriptor(),
        "required bytes id = 1",
        "repeated bytes addrs = 2");
    assertFields(DisconnectRequest.getDescriptor(), "required bytes peer = 1");
  }

  @Test
  void dhtSchema() {
    assertEnum(
        DHTRequest.Type.getDescriptor(),
        "FIND_PEER = 0", "FIND_PEERS_CONNECTED_TO_PEER = 1", "FIND_PROVIDERS = 2", "GET_CLOSEST_PEERS = 3",
        "GET_PUBLIC_KEY = 4", "GET_VALUE = 5", "SEARCH_VALUE = 6", "PUT_VALUE = 7", "PROVIDE = 8");
    assertFields(
        DHTRequest.getDescriptor(),
        "required p2pd.pb.DHTRequest.Type type = 1",
        "optional bytes peer = 2",
        "optional bytes cid = 3",
        "optional bytes key = 4",
        "optional bytes value = 5",
        "optional int32 count = 6",
        "optional int64 timeout = 7");
    assertEnum(DHTResponse.Type.getDescriptor(), "BEGIN = 0", "VALUE = 1", "END = 2");
    assertFields(
        DHTResponse.getDescriptor(),
        "required p2pd.pb.DHTResponse.Type type = 1",
        "optional p2pd.pb.PeerInfo peer = 2",
        "optional bytes value = 3");
  }

  @Test
  void connManagerPubsubAndPeerstoreSchema() {
    assertEnum(ConnManagerRequest.Type.getDescriptor(), "TAG_PEER = 0", "UNTAG_PEER = 1", "TRIM = 2");
    assertFields(
        ConnManagerRequest.getDescriptor(),
        "required p2pd.pb.ConnManagerRequest.Type type = 1",
        "optional bytes peer = 2",
        "optional string tag = 3",
        "optional int64 weight = 4");
    assertEnum(PSRequest.Type.getDescriptor(), "GET_TOPICS = 0", "LIST_PEERS = 1", "PUBLISH = 2", "SUBSCRIBE = 3");
    assertFields(
        PSRequest.getDescriptor(),
        "required p2pd.pb.PSRequest.Type type = 1",
        "optional string topic = 2",
        "optional bytes data = 3");
    assertFields(
        PSMessage.getDescriptor(),
        "optional bytes from = 1",
        "optional bytes data = 2",
        "optional bytes seqno = 3",
        "repeated string topicIDs = 4",
        "optional bytes signature = 5",
        "optional bytes key = 6");
    assertFields(
        PSResponse.getDescriptor(),
        "repeated string topics = 1",
        "repeated bytes peerIDs = 2");
    assertEnum(PeerstoreRequest.Type.getDescriptor(), "UNSPECIFIED = 0", "GET_PROTOCOLS = 1", "GET_PEER_INFO = 2");
    assertFields(
        PeerstoreRequest.getDescriptor(),
        "optional p2pd.pb.PeerstoreRequest.Type type = 1",
        "optional bytes id = 2",
        "repeated string protos = 3");
    assertFields(
        PeerstoreResponse.getDescriptor(),
        "optional p2pd.pb.PeerInfo peer = 1",
        "repeated string protos = 2");
  }

  @Test
  void requiredTypeZeroIsWritten() throws InvalidProtocolBufferException {
    assertWire("08 00", Request.newBuilder().setType(Request.Type.IDENTIFY).build());
    assertWire("08 00", Response.newBuilder().setType(Response.Type.OK).build());
    assertEquals(Request.Type.IDENTIFY, Request.parseFrom(hex("08 00")).getType());
  }

  @Test
  void missingRequiredFieldsAreRejected() {
    assertThrows(InvalidProtocolBufferException.class, () -> Request.parseFrom(hex("")));
    assertThrows(InvalidProtocolBufferException.class, () -> StreamInfo.parseFrom(hex("0a 01 01  12 01 02")));
    // A nested required field counts too: CONNECT without a peer.
    assertThrows(InvalidProtocolBufferException.class, () -> Request.parseFrom(hex("08 01  12 00")));
    assertThrows(UninitializedMessageException.class, () -> Response.newBuilder().build());
  }

  @Test
  void unknownRequestTypeIsRejectedNotMisread() {
    // Request.Type 12 is not ours: a closed proto2 enum keeps it as an unknown field, so "type" is missing.
    assertThrows(InvalidProtocolBufferException.class, () -> Request.parseFrom(hex("08 0c")));
  }

  @Test
  void connectRequest() throws InvalidProtocolBufferException {
    Request r = Request.newBuilder()
        .setType(Request.Type.CONNECT)
        .setConnect(ConnectRequest.newBuilder()
            .setPeer(bs("0102"))
            .addAddrs(bs("04 7f000001"))
            .setTimeout(10))
        .build();
    String wire = "08 01  12 0d 0a020102 1205047f000001 180a";
    assertWire(wire, r);
    assertEquals(r, Request.parseFrom(hex(wire)));
  }

  @Test
  void streamOpenAndStreamInfo() throws InvalidProtocolBufferException {
    Request open = Request.newBuilder()
        .setType(Request.Type.STREAM_OPEN)
        .setStreamOpen(StreamOpenRequest.newBuilder().setPeer(bs("01")).addProto("/p").addProto("/q"))
        .build();
    assertWire("08 02  1a 0b 0a0101 12022f70 12022f71", open);
    StreamInfo info = StreamInfo.newBuilder().setPeer(bs("01")).setAddr(bs("02")).setProto("/p").build();
    assertWire("0a 01 01  12 01 02  1a 02 2f70", info);
    Response answer = Response.newBuilder().setType(Response.Type.OK).setStreamInfo(info).build();
    assertWire("08 00  1a 0a 0a0101 120102 1a022f70", answer);
    assertEquals(info, Response.parseFrom(hex("08 00  1a 0a 0a0101 120102 1a022f70")).getStreamInfo());
  }

  @Test
  void streamHandlerRequest() {
    Request r = Request.newBuilder()
        .setType(Request.Type.STREAM_HANDLER)
        .setStreamHandler(StreamHandlerRequest.newBuilder().setAddr(bs("aa")).addProto("/p"))
        .build();
    assertWire("08 03  22 07 0a01aa 12022f70", r);
  }

  @Test
  void identifyAndErrorResponses() throws InvalidProtocolBufferException {
    Response identify = Response.newBuilder()
        .setType(Response.Type.OK)
        .setIdentify(IdentifyResponse.newBuilder().setId(bs("01")).addAddrs(bs("02")))
        .build();
    assertWire("08 00  22 06 0a0101 120102", identify);
    Response error = Response.newBuilder()
        .setType(Response.Type.ERROR)
        .setError(ErrorResponse.newBuilder().setMsg("x"))
        .build();
    assertWire("08 01  12 03 0a0178", error);
    assertEquals("x", Response.parseFrom(hex("08 01  12 03 0a0178")).getError().getMsg());
  }

  @Test
  void listPeersResponse() {
    Response r = Response.newBuilder()
        .setType(Response.Type.OK)
        .addPeers(PeerInfo.newBuilder().setId(bs("01")).addAddrs(bs("02")))
        .addPeers(PeerInfo.newBuilder().setId(bs("03")))
        .build();
    assertWire("08 00  32 06 0a0101 120102  32 03 0a0103", r);
  }

  @Test
  void dhtRequestAndResponse() {
    Request r = Request.newBuilder()
        .setType(Request.Type.DHT)
        .setDht(DHTRequest.newBuilder()
            .setType(DHTRequest.Type.FIND_PROVIDERS)
            .setCid(bs("01"))
            .setCount(20)
            .setTimeout(5))
        .build();
    assertWire("08 04  2a 09 0802 1a0101 3014 3805", r);
    Response begin = Response.newBuilder()
        .setType(Response.Type.OK)
        .setDht(DHTResponse.newBuilder().setType(DHTResponse.Type.BEGIN))
        .build();
    assertWire("08 00  2a 02 0800", begin);
    DHTResponse value = DHTResponse.newBuilder()
        .setType(DHTResponse.Type.VALUE)
        .setPeer(PeerInfo.newBuilder().setId(bs("aa")))
        .setValue(bs("bb"))
        .build();
    assertWire("08 01  12 03 0a01aa  1a 01 bb", value);
  }

  @Test
  void connManagerAndDisconnect() {
    Request tag = Request.newBuilder()
        .setType(Request.Type.CONNMANAGER)
        .setConnManager(ConnManagerRequest.newBuilder()
            .setType(ConnManagerRequest.Type.TAG_PEER)
            .setPeer(bs("01"))
            .setTag("t")
            .setWeight(10))
        .build();
    assertWire("08 06  32 0a 0800 120101 1a0174 200a", tag);
    Request disconnect = Request.newBuilder()
        .setType(Request.Type.DISCONNECT)
        .setDisconnect(DisconnectRequest.newBuilder().setPeer(bs("01")))
        .build();
    assertWire("08 07  3a 03 0a0101", disconnect);
  }

  @Test
  void pubsub() throws InvalidProtocolBufferException {
    Request publish = Request.newBuilder()
        .setType(Request.Type.PUBSUB)
        .setPubsub(PSRequest.newBuilder().setType(PSRequest.Type.PUBLISH).setTopic("t").setData(bs("ff")))
        .build();
    assertWire("08 08  42 08 0802 120174 1a01ff", publish);
    Response topics = Response.newBuilder()
        .setType(Response.Type.OK)
        .setPubsub(PSResponse.newBuilder().addTopics("t").addPeerIDs(bs("01")))
        .build();
    assertWire("08 00  3a 06 0a0174 120101", topics);
    PSMessage msg = PSMessage.parseFrom(hex("0a0101 1201ff 1a0102 220174 220161 2a015a 32016b"));
    assertEquals(bs("01"), msg.getFrom());
    assertEquals(2, msg.getTopicIDsCount());
    assertEquals("a", msg.getTopicIDs(1));
    assertEquals(bs("6b"), msg.getKey());
  }

  @Test
  void peerstoreExtension() throws InvalidProtocolBufferException {
    Request r = Request.newBuilder()
        .setType(Request.Type.PEERSTORE)
        .setPeerStore(PeerstoreRequest.newBuilder().setType(PeerstoreRequest.Type.GET_PROTOCOLS).setId(bs("01")))
        .build();
    assertWire("08 09  4a 05 0801 120101", r);
    Response answer = Response.newBuilder()
        .setType(Response.Type.OK)
        .setPeerStore(PeerstoreResponse.newBuilder().addProtos("/p"))
        .build();
    assertWire("08 00  42 04 12022f70", answer);
    PeerstoreRequest noType = PeerstoreRequest.parseFrom(hex("12 01 01"));
    assertFalse(noType.hasType());
    assertTrue(noType.hasId());
  }
}
