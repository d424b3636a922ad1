import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The line protocol every Java peer speaks with the TypeScript spec (java-peer-process.ts).
 *
 * stdin: one JSON command per line, {"cmd":"...","ref":"r7",...}. Each runs on its own thread, so
 * a command waiting for the other side never holds up the next; it ends with one line
 * {"event":"done","ref":"r7",...result} or {"event":"failed","ref":"r7","error":"..."}.
 * stdout: those answers and events, one JSON object per line: what the library received and how
 * it read it ("bind", "submit_sm", "deliver_sm", "message", "enquire_link", "unbind", "closed",
 * "pdu_in"...). The first line is {"event":"ready"}. The process exits when stdin closes.
 */
abstract class Peer {
  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
  private final ExecutorService commands = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "peer-command");
    thread.setDaemon(true);
    return thread;
  });

  /** Answers one command; the map returned goes out in its "done" line. */
  abstract Map<String, Object> handle(String cmd, Args args) throws Exception;

  /** Closes what the peer opened before the process exits. */
  abstract void shutdown();

  static Map<String, Object> event(String name, Object... fields) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", name);
    for (int i = 0; i + 1 < fields.length; i += 2) event.put((String) fields[i], fields[i + 1]);
    return event;
  }

  static Map<String, Object> result(Object... fields) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (int i = 0; i + 1 < fields.length; i += 2) result.put((String) fields[i], fields[i + 1]);
    return result;
  }

  /** The event with the fields that say where it happened ("smsc" and "session", or "esme") after its name. */
  static Map<String, Object> withWhere(Map<String, Object> event, Map<String, Object> where) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("event", event.get("event"));
    out.putAll(where);
    out.putAll(event);
    return out;
  }

  static void emit(Map<String, Object> event) {
    String line = Json.write(event);
    synchronized (OUT) {
      OUT.println(line);
    }
  }

  final void run(String library) throws Exception {
    emit(event("ready", "library", library));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) continue;
      Args args = new Args(Json.parseObject(line));
      commands.execute(() -> dispatch(args));
    }
    shutdown();
    System.exit(0);
  }

  private void dispatch(Args args) {
    String ref = args.str("ref", "");
    try {
      Map<String, Object> done = event("done", "ref", ref);
      done.putAll(handle(args.str("cmd"), args));
      emit(done);
    } catch (Throwable error) {
      error.printStackTrace();
      emit(event("failed", "ref", ref, "error", error.toString()));
    }
  }

  static String hex(byte[] bytes) {
    if (bytes == null) return "";
    StringBuilder out = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) out.append(String.format("%02x", b & 0xff));
    return out.toString();
  }

  static byte[] unhex(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    return out;
  }

  /** A command's fields, with defaults. */
  static final class Args {
    private final Map<String, Object> fields;

    Args(Map<String, Object> fields) {
      this.fields = fields;
    }

    String str(String name) {
      Object value = fields.get(name);
      if (value == null) throw new IllegalArgumentException("missing '" + name + "'");
      return value.toString();
    }

    String str(String name, String otherwise) {
      Object value = fields.get(name);
      return value == null ? otherwise : value.toString();
    }

    int integer(String name) {
      Object value = fields.get(name);
      if (!(value instanceof Number)) throw new IllegalArgumentException("missing number '" + name + "'");
      return ((Number) value).intValue();
    }

    int integer(String name, int otherwise) {
      Object value = fields.get(name);
      return value instanceof Number ? ((Number) value).intValue() : otherwise;
    }

    boolean bool(String name, boolean otherwise) {
      Object value = fields.get(name);
      return value instanceof Boolean ? (Boolean) value : otherwise;
    }

    boolean has(String name) {
      return fields.get(name) != null;
    }
  }

  /** The fields of a submit_sm or deliver_sm as the library decoded them, for the spec to compare. */
  static Map<String, Object> messageFields(Sms.Received pdu) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("seq", pdu.seq);
    fields.put("service_type", pdu.serviceType);
    fields.put("source_addr_ton", pdu.sourceTon);
    fields.put("source_addr_npi", pdu.sourceNpi);
    fields.put("source_addr", pdu.source);
    fields.put("dest_addr_ton", pdu.destTon);
    fields.put("dest_addr_npi", pdu.destNpi);
    fields.put("destination_addr", pdu.destination);
    fields.put("esm_class", pdu.esmClass);
    fields.put("protocol_id", pdu.protocolId);
    fields.put("priority_flag", pdu.priority);
    fields.put("schedule_delivery_time", pdu.scheduleDeliveryTime);
    fields.put("validity_period", pdu.validityPeriod);
    fields.put("registered_delivery", pdu.registeredDelivery);
    fields.put("replace_if_present_flag", pdu.replaceIfPresent);
    fields.put("data_coding", pdu.dataCoding);
    fields.put("sm_default_msg_id", pdu.defaultMsgId);
    fields.put("short_message_hex", hex(pdu.shortMessage));
    List<Object> tlvs = new ArrayList<>();
    for (Sms.Tlv tlv : pdu.tlvs) tlvs.add(result("tag", tlv.tag, "hex", hex(tlv.value)));
    fields.put("tlvs", tlvs);
    fields.put("udhi", pdu.udhi);
    return fields;
  }
}
