import com.cloudhopper.commons.charset.CharsetUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Text, segments and reassembly on the peer's side. The GSM 03.38 and UCS-2 codecs are
 * Cloudhopper's charset library (ch-commons-charset), not ours; where the SMPP library has its own
 * helper (a concatenation UDH builder, typed SAR and message_payload TLVs), the peer uses it.
 */
final class Sms {
  static final int ESM_CLASS_UDHI = 0x40;
  static final short TAG_SAR_MSG_REF_NUM = 0x020c;
  static final short TAG_SAR_TOTAL_SEGMENTS = 0x020e;
  static final short TAG_SAR_SEGMENT_SEQNUM = 0x020f;
  static final short TAG_MESSAGE_PAYLOAD = 0x0424;
  static final short TAG_RECEIPTED_MESSAGE_ID = 0x001e;
  static final short TAG_MESSAGE_STATE = 0x0427;

  private Sms() {}

  static final class Tlv {
    final int tag;
    final byte[] value;

    Tlv(int tag, byte[] value) {
      this.tag = tag & 0xffff;
      this.value = value;
    }
  }

  /** A submit_sm or deliver_sm as the library decoded it, plus the library's own reading of its parts. */
  static final class Received {
    int seq;
    String serviceType;
    int sourceTon;
    int sourceNpi;
    String source;
    int destTon;
    int destNpi;
    String destination;
    int esmClass;
    int protocolId;
    int priority;
    String scheduleDeliveryTime;
    String validityPeriod;
    int registeredDelivery;
    int replaceIfPresent;
    int dataCoding;
    int defaultMsgId;
    byte[] shortMessage;
    List<Tlv> tlvs = new ArrayList<>();
    /** esm_class UDHI as the library tests it. */
    boolean udhi;
    /** The user data header, UDHL octet included, when udhi. */
    byte[] userDataHeader;
    /** SAR values read through the library's typed TLVs; null when absent. */
    Integer sarRef;
    Integer sarTotal;
    Integer sarSeq;
    /** message_payload read through the library; null when absent. */
    byte[] messagePayload;
  }

  /** One PDU's worth of an outgoing message. */
  static final class Part {
    byte[] shortMessage = new byte[0];
    int esmClass;
    Integer sarRef;
    Integer sarTotal;
    Integer sarSeq;
    byte[] messagePayload;
  }

  static int dataCoding(String coding) {
    switch (coding) {
      case "gsm": return 0x00;
      case "ucs2": return 0x08;
      default: throw new IllegalArgumentException("unknown coding " + coding);
    }
  }

  static byte[] encode(String text, String coding) {
    return coding.equals("gsm") ? CharsetUtil.encode(text, CharsetUtil.CHARSET_GSM) : CharsetUtil.encode(text, CharsetUtil.CHARSET_UCS_2);
  }

  static String decode(int dataCoding, byte[] bytes) {
    switch (dataCoding) {
      case 0x00: return CharsetUtil.decode(bytes, CharsetUtil.CHARSET_GSM);
      case 0x08: return CharsetUtil.decode(bytes, CharsetUtil.CHARSET_UCS_2);
      case 0x03: return new String(bytes, StandardCharsets.ISO_8859_1);
      default: return "hex:" + Peer.hex(bytes);
    }
  }

  /**
   * Cuts an encoded text into the PDUs of one mode: "single", "payload" (one message_payload TLV),
   * "udh8" and "udh16" (a concatenation UDH with an 8-bit or 16-bit reference) or "sar" (SAR TLVs,
   * no UDH). Octets are cut where the size falls, as the libraries' own splitters do: a GSM escape
   * or a UCS-2 character may straddle two parts, and the receiver must join octets before decoding.
   * `libraryUdh8`/`libraryUdh16` are the library's splitter for that mode when it has one.
   */
  static List<Part> split(byte[] text, String mode, int ref, Function<byte[], byte[][]> libraryUdh8, Function<byte[], byte[][]> libraryUdh16) {
    List<Part> parts = new ArrayList<>();
    switch (mode) {
      case "single": {
        Part part = new Part();
        part.shortMessage = text;
        parts.add(part);
        return parts;
      }
      case "payload": {
        Part part = new Part();
        part.messagePayload = text;
        parts.add(part);
        return parts;
      }
      case "udh8":
      case "udh16": {
        Function<byte[], byte[][]> library = mode.equals("udh8") ? libraryUdh8 : libraryUdh16;
        byte[][] pieces = library != null ? library.apply(text) : concatUdh(text, ref, mode.equals("udh16"));
        for (byte[] piece : pieces) {
          Part part = new Part();
          part.shortMessage = piece;
          part.esmClass = ESM_CLASS_UDHI;
          parts.add(part);
        }
        return parts;
      }
      case "sar": {
        List<byte[]> chunks = chunks(text, 134);
        for (int i = 0; i < chunks.size(); i++) {
          Part part = new Part();
          part.shortMessage = chunks.get(i);
          part.sarRef = ref & 0xffff;
          part.sarTotal = chunks.size();
          part.sarSeq = i + 1;
          parts.add(part);
        }
        return parts;
      }
      default:
        throw new IllegalArgumentException("unknown mode " + mode);
    }
  }

  /** A UDH concatenation split for the mode the library has no helper for (TS 23.040 9.2.3.24.1 and .8). */
  private static byte[][] concatUdh(byte[] text, int ref, boolean sixteenBit) {
    List<byte[]> chunks = chunks(text, sixteenBit ? 133 : 134);
    byte[][] pieces = new byte[chunks.size()][];
    for (int i = 0; i < chunks.size(); i++) {
      byte[] udh = sixteenBit
          ? new byte[] {6, 0x08, 4, (byte) (ref >> 8), (byte) ref, (byte) chunks.size(), (byte) (i + 1)}
          : new byte[] {5, 0x00, 3, (byte) ref, (byte) chunks.size(), (byte) (i + 1)};
      byte[] piece = Arrays.copyOf(udh, udh.length + chunks.get(i).length);
      System.arraycopy(chunks.get(i), 0, piece, udh.length, chunks.get(i).length);
      pieces[i] = piece;
    }
    return pieces;
  }

  private static List<byte[]> chunks(byte[] bytes, int size) {
    List<byte[]> chunks = new ArrayList<>();
    for (int at = 0; at < bytes.length; at += size) chunks.add(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + size)));
    if (chunks.isEmpty()) chunks.add(new byte[0]);
    return chunks;
  }

  /** The concatenation reference the parts carry (UDH or SAR), or null for a message in one PDU. */
  static Integer refOf(List<Part> parts) {
    Part first = parts.get(0);
    if (first.sarRef != null) return first.sarRef;
    if ((first.esmClass & ESM_CLASS_UDHI) == 0 || first.shortMessage.length == 0) return null;
    int[] concat = concatOf(Arrays.copyOf(first.shortMessage, Math.min(first.shortMessage.length, 1 + (first.shortMessage[0] & 0xff))));
    return concat == null ? null : concat[1];
  }

  /** The concatenation element of a UDH: {refBits, ref, total, seq}, or null. */
  static int[] concatOf(byte[] header) {
    if (header == null || header.length < 1) return null;
    int end = 1 + (header[0] & 0xff);
    int[] found = null;
    for (int i = 1; i + 2 <= end && i + 2 <= header.length; ) {
      int iei = header[i] & 0xff;
      int length = header[i + 1] & 0xff;
      int data = i + 2;
      if (data + length > header.length) return null;
      if (iei == 0x00 && length == 3) found = new int[] {8, header[data] & 0xff, header[data + 1] & 0xff, header[data + 2] & 0xff};
      if (iei == 0x08 && length == 4) found = new int[] {16, ((header[data] & 0xff) << 8) | (header[data + 1] & 0xff), header[data + 2] & 0xff, header[data + 3] & 0xff};
      i = data + length;
    }
    return found;
  }

  /** Joins parts per (connection, scheme, reference) and says when a message is whole. */
  static final class Assembler {
    private final Map<String, TreeMap<Integer, byte[]>> pending = new HashMap<>();
    private final Map<String, List<Integer>> pendingSeqs = new HashMap<>();
    private final Map<String, Integer> pendingCoding = new HashMap<>();

    /** The "message" event fields once the message `pdu` belongs to is whole, else null. */
    synchronized Map<String, Object> accept(String connection, Received pdu) {
      if (pdu.messagePayload != null && pdu.messagePayload.length > 0) return whole("payload", pdu.dataCoding, pdu.messagePayload, 1, null, List.of(pdu.seq));
      String scheme;
      int ref;
      int total;
      int seq;
      byte[] payload;
      int[] concat = pdu.udhi ? concatOf(pdu.userDataHeader) : null;
      if (concat != null) {
        scheme = concat[0] == 8 ? "udh8" : "udh16";
        ref = concat[1];
        total = concat[2];
        seq = concat[3];
        payload = Arrays.copyOfRange(pdu.shortMessage, pdu.userDataHeader.length, pdu.shortMessage.length);
      } else if (pdu.sarRef != null && pdu.sarTotal != null && pdu.sarSeq != null) {
        scheme = "sar";
        ref = pdu.sarRef;
        total = pdu.sarTotal;
        seq = pdu.sarSeq;
        payload = pdu.shortMessage;
      } else {
        byte[] text = pdu.udhi && pdu.userDataHeader != null
            ? Arrays.copyOfRange(pdu.shortMessage, pdu.userDataHeader.length, pdu.shortMessage.length)
            : pdu.shortMessage;
        return whole("single", pdu.dataCoding, text, 1, null, List.of(pdu.seq));
      }
      String key = connection + "|" + scheme + "|" + ref;
      TreeMap<Integer, byte[]> parts = pending.computeIfAbsent(key, k -> new TreeMap<>());
      pendingCoding.putIfAbsent(key, pdu.dataCoding);
      parts.put(seq, payload);
      List<Integer> seqs = pendingSeqs.computeIfAbsent(key, k -> new ArrayList<>());
      seqs.add(pdu.seq);
      if (parts.size() < total) return null;
      pending.remove(key);
      pendingSeqs.remove(key);
      int coding = pendingCoding.remove(key);
      int length = parts.values().stream().mapToInt(b -> b.length).sum();
      byte[] joined = new byte[length];
      int at = 0;
      for (byte[] part : parts.values()) {
        System.arraycopy(part, 0, joined, at, part.length);
        at += part.length;
      }
      return whole(scheme, coding, joined, total, ref, seqs);
    }

    private static Map<String, Object> whole(String scheme, int dataCoding, byte[] bytes, int parts, Integer ref, List<Integer> seqs) {
      Map<String, Object> message = Peer.result("scheme", scheme, "data_coding", dataCoding, "parts", parts, "text", decode(dataCoding, bytes));
      if (ref != null) message.put("ref", ref);
      message.put("seqs", new ArrayList<>(seqs));
      return message;
    }
  }
}
