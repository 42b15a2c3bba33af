package org.jlibp2p.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.MessageLite;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Assertions on generated protobuf code: exact bytes on the wire, and field and enum tables written the way a
 * .proto file writes them, e.g. {@code "optional bytes publicKey = 1"} or {@code "OK = 100"}.
 *
 * <p>Labels: {@code required}, {@code optional} (explicit presence), {@code repeated}, {@code implicit} (proto3
 * singular field without presence) and {@code oneof}. Scalar types are written as in a .proto file; message and
 * enum types by their full name, package included.
 */
public final class ProtoAssertions {
  private ProtoAssertions() {}

  /** Bytes from hex; spaces are ignored. */
  public static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  public static ByteString bs(String hex) {
    return ByteString.copyFrom(hex(hex));
  }

  public static void assertWire(String expectedHex, MessageLite message) {
    assertEquals(
        HexFormat.of().formatHex(hex(expectedHex)),
        HexFormat.of().formatHex(message.toByteArray()),
        () -> "wire bytes of " + message.getClass().getSimpleName());
    assertArrayEquals(hex(expectedHex), message.toByteArray());
  }

  /** Asserts the file's syntax ("proto2" or "proto3") and protobuf package. */
  public static void assertFile(FileDescriptor file, String syntax, String pkg) {
    String actual = file.toProto().getSyntax();
    if (actual.isEmpty()) {
      actual = "proto2";
    }
    assertEquals(syntax, actual, () -> "syntax of " + file.getName());
    assertEquals(pkg, file.getPackage(), () -> "package of " + file.getName());
  }

  /** Asserts that {@code message} has exactly the listed fields, none of them packed. */
  public static void assertFields(Descriptor message, String... rows) {
    Map<Integer, String> expected = new TreeMap<>();
    for (String row : rows) {
      String[] t = row.trim().split("\\s+");
      if (t.length != 5 || !t[3].equals("=")) {
        throw new IllegalArgumentException("row must read 'label type name = number': " + row);
      }
      int number = Integer.parseInt(t[4]);
      if (expected.put(number, row) != null) {
        throw new IllegalArgumentException("number listed twice: " + row);
      }
      FieldDescriptor f = message.findFieldByNumber(number);
      assertNotNull(f, () -> message.getFullName() + " has no field " + number + " (" + row + ")");
      assertEquals(t[2], f.getName(), () -> message.getFullName() + " field " + number);
      assertEquals(t[1], typeOf(f), () -> message.getFullName() + "." + f.getName() + " type");
      assertEquals(t[0], labelOf(f), () -> message.getFullName() + "." + f.getName() + " label");
      assertFalse(f.isPacked(), () -> message.getFullName() + "." + f.getName() + " is packed");
    }
    Map<Integer, String> actual = new TreeMap<>();
    for (FieldDescriptor f : message.getFields()) {
      actual.put(f.getNumber(), labelOf(f) + " " + typeOf(f) + " " + f.getName() + " = " + f.getNumber());
    }
    assertEquals(expected.keySet(), actual.keySet(), () -> "field numbers of " + message.getFullName() + ": " + actual);
  }

  /** Asserts that {@code e} has exactly the listed values, each written {@code "NAME = number"}. */
  public static void assertEnum(EnumDescriptor e, String... rows) {
    Map<String, Integer> expected = new TreeMap<>();
    for (String row : rows) {
      String[] t = row.trim().split("\\s*=\\s*");
      expected.put(t[0], Integer.parseInt(t[1]));
    }
    Map<String, Integer> actual = new TreeMap<>();
    for (EnumValueDescriptor v : e.getValues()) {
      actual.put(v.getName(), v.getNumber());
    }
    assertEquals(expected, actual, () -> "values of " + e.getFullName());
  }

  /** Asserts whether {@code e} is closed (proto2: unknown numbers go to unknown fields) or open (proto3). */
  public static void assertClosed(EnumDescriptor e, boolean closed) {
    assertEquals(closed, e.isClosed(), () -> e.getFullName() + " closed");
  }

  private static String typeOf(FieldDescriptor f) {
    return switch (f.getType()) {
      case MESSAGE, GROUP -> f.getMessageType().getFullName();
      case ENUM -> f.getEnumType().getFullName();
      default -> f.getType().name().toLowerCase(Locale.ROOT);
    };
  }

  private static String labelOf(FieldDescriptor f) {
    if (f.isRequired()) {
      return "required";
    }
    if (f.isRepeated()) {
      return "repeated";
    }
    if (f.getRealContainingOneof() != null) {
      assertTrue(f.hasPresence());
      return "oneof";
    }
    return f.hasPresence() ? "optional" : "implicit";
  }
}
