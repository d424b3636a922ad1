import com.cloudhopper.commons.gsm.GsmUtil;
import com.cloudhopper.smpp.PduAsyncResponse;
import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppServerConfiguration;
import com.cloudhopper.smpp.SmppServerHandler;
import com.cloudhopper.smpp.SmppServerSession;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppServer;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.BaseBind;
import com.cloudhopper.smpp.pdu.BaseBindResp;
import com.cloudhopper.smpp.pdu.BaseSm;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.EnquireLink;
import com.cloudhopper.smpp.pdu.EnquireLinkResp;
import com.cloudhopper.smpp.pdu.Pdu;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.pdu.Unbind;
import com.cloudhopper.smpp.tlv.Tlv;
import com.cloudhopper.smpp.type.Address;
import com.cloudhopper.smpp.type.RecoverablePduException;
import com.cloudhopper.smpp.type.SmppBindException;
import com.cloudhopper.smpp.type.SmppChannelException;
import com.cloudhopper.smpp.type.SmppProcessingException;
import com.cloudhopper.smpp.type.UnrecoverablePduException;
import com.cloudhopper.smpp.util.DaemonExecutors;
import com.cloudhopper.smpp.util.DeliveryReceipt;
import com.cloudhopper.smpp.util.SmppUtil;
import com.cloudhopper.smpp.util.TlvUtil;
import com.cloudhopper.commons.util.windowing.WindowFuture;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.joda.time.DateTime;
import org.joda.time.DateTimeZone;

/**
 * Cloudhopper ch-smpp 5.0.9 (com.cloudhopper:ch-smpp) as an SMSC our EsmeClient binds to and as an
 * ESME that binds to our server, driven by the spec over the line protocol of Peer. Everything on
 * the wire is Cloudhopper's: its netty PDU codec and windowed sessions, its TLVs, its user data
 * header helpers (ch-commons-gsm, an 8-bit reference UDH) and its delivery receipt format.
 */
public final class CloudhopperPeer extends Peer {
  private static final long TIMEOUT_MS = 5_000;
  private final Map<String, Smsc> smscs = new ConcurrentHashMap<>();
  private final Map<String, Esme> esmes = new ConcurrentHashMap<>();
  private final Sms.Assembler assembler = new Sms.Assembler();
  private final ExecutorService io = Executors.newCachedThreadPool(daemon("cloudhopper-io"));
  private final ScheduledExecutorService monitor = Executors.newScheduledThreadPool(1, daemon("cloudhopper-monitor"));
  private final DefaultSmppClient client = new DefaultSmppClient(io, 2, monitor);

  public static void main(String[] args) throws Exception {
    new CloudhopperPeer().run("cloudhopper");
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  Map<String, Object> handle(String cmd, Args a) throws Exception {
    switch (cmd) {
      case "smsc_start": {
        Smsc smsc = new Smsc(a);
        smscs.put(smsc.id, smsc);
        return result("port", smsc.port);
      }
      case "smsc_stop":
        smscs.remove(a.str("smsc")).stop();
        return result();
      case "smsc_throttle":
        smsc(a).throttle.addAndGet(a.integer("count"));
        return result();
      case "smsc_deliver":
        return smsc(a).session(a).deliver(a);
      case "smsc_receipt":
        return smsc(a).session(a).receipt(a);
      case "smsc_enquire_link":
        return smsc(a).session(a).enquireLink();
      case "smsc_unbind":
        return smsc(a).session(a).unbind();
      case "esme_bind": {
        Esme esme = new Esme(a.str("esme"));
        esmes.put(esme.id, esme);
        return esme.bind(a);
      }
      case "esme_submit":
        return esme(a).submit(a);
      case "esme_respond":
        esme(a).respondWith(a.integer("status"), a.integer("count"));
        return result();
      case "esme_enquire_link":
        return esme(a).enquireLink();
      case "esme_unbind":
        return esme(a).unbind();
      case "esme_close": {
        Esme esme = esmes.remove(a.str("esme"));
        if (esme.session != null) esme.session.destroy();
        return result();
      }
      default:
        throw new IllegalArgumentException("unknown command " + cmd);
    }
  }

  @Override
  void shutdown() {
    for (Esme esme : esmes.values()) if (esme.session != null) esme.session.destroy();
    for (Smsc smsc : smscs.values()) smsc.stop();
    client.destroy();
  }

  private Smsc smsc(Args a) {
    Smsc smsc = smscs.get(a.str("smsc"));
    if (smsc == null) throw new IllegalArgumentException("no smsc " + a.str("smsc"));
    return smsc;
  }

  private Esme esme(Args a) {
    Esme esme = esmes.get(a.str("esme"));
    if (esme == null) throw new IllegalArgumentException("no esme " + a.str("esme"));
    return esme;
  }

  // -------------------------------------------------------------------------------------------
  // What Cloudhopper read, reported.

  static Sms.Received received(BaseSm<?> m) {
    Sms.Received r = new Sms.Received();
    r.seq = m.getSequenceNumber();
    r.serviceType = m.getServiceType();
    r.sourceTon = m.getSourceAddress().getTon() & 0xff;
    r.sourceNpi = m.getSourceAddress().getNpi() & 0xff;
    r.source = m.getSourceAddress().getAddress();
    r.destTon = m.getDestAddress().getTon() & 0xff;
    r.destNpi = m.getDestAddress().getNpi() & 0xff;
    r.destination = m.getDestAddress().getAddress();
    r.esmClass = m.getEsmClass() & 0xff;
    r.protocolId = m.getProtocolId() & 0xff;
    r.priority = m.getPriority() & 0xff;
    r.scheduleDeliveryTime = m.getScheduleDeliveryTime();
    r.validityPeriod = m.getValidityPeriod();
    r.registeredDelivery = m.getRegisteredDelivery() & 0xff;
    r.replaceIfPresent = m.getReplaceIfPresent() & 0xff;
    r.dataCoding = m.getDataCoding() & 0xff;
    r.defaultMsgId = m.getDefaultMsgId() & 0xff;
    r.shortMessage = m.getShortMessage() == null ? new byte[0] : m.getShortMessage();
    if (m.getOptionalParameters() != null) {
      for (Tlv tlv : m.getOptionalParameters()) r.tlvs.add(new Sms.Tlv(tlv.getTag(), tlv.getValue()));
    }
    r.udhi = SmppUtil.isUserDataHeaderIndicatorEnabled(m.getEsmClass());
    if (r.udhi && r.shortMessage.length > 0) {
      byte[] header = GsmUtil.getShortMessageUserDataHeader(r.shortMessage);
      // ch-commons-gsm returns the header with its length octet; the assembler wants it so too.
      r.userDataHeader = header;
    }
    try {
      Tlv ref = m.getOptionalParameter(SmppConstants.TAG_SAR_MSG_REF_NUM);
      Tlv total = m.getOptionalParameter(SmppConstants.TAG_SAR_TOTAL_SEGMENTS);
      Tlv seq = m.getOptionalParameter(SmppConstants.TAG_SAR_SEGMENT_SEQNUM);
      if (ref != null) r.sarRef = ref.getValueAsUnsignedShort();
      if (total != null) r.sarTotal = (int) total.getValueAsUnsignedByte();
      if (seq != null) r.sarSeq = (int) seq.getValueAsUnsignedByte();
    } catch (Exception e) {
      emit(event("tlv_error", "error", e.toString()));
    }
    Tlv payload = m.getOptionalParameter(SmppConstants.TAG_MESSAGE_PAYLOAD);
    if (payload != null) r.messagePayload = payload.getValue();
    return r;
  }

  /** The library-built PDUs of one outgoing message; Cloudhopper's own splitter gives the 8-bit reference UDH. */
  static List<Sms.Part> parts(Args a) {
    byte[] text = Sms.encode(a.str("text"), a.str("coding"));
    int ref = a.integer("concat_ref", 0);
    return Sms.split(text, a.str("mode", "single"), ref, bytes -> GsmUtil.createConcatenatedBinaryShortMessages(bytes, (byte) ref), null);
  }

  static <T extends BaseSm<?>> T fill(T pdu, Args a, Sms.Part part) throws Exception {
    pdu.setServiceType(a.str("service_type", ""));
    pdu.setSourceAddress(new Address((byte) a.integer("source_ton", 1), (byte) a.integer("source_npi", 1), a.str("source")));
    pdu.setDestAddress(new Address((byte) a.integer("dest_ton", 0), (byte) a.integer("dest_npi", 0), a.str("destination")));
    pdu.setEsmClass((byte) part.esmClass);
    pdu.setDataCoding((byte) Sms.dataCoding(a.str("coding")));
    pdu.setRegisteredDelivery((byte) a.integer("registered_delivery", 0));
    pdu.setShortMessage(part.shortMessage);
    if (part.sarRef != null) {
      pdu.addOptionalParameter(new Tlv(SmppConstants.TAG_SAR_MSG_REF_NUM, new byte[] {(byte) (part.sarRef >> 8), (byte) (int) part.sarRef}));
      pdu.addOptionalParameter(new Tlv(SmppConstants.TAG_SAR_TOTAL_SEGMENTS, new byte[] {(byte) (int) part.sarTotal}));
      pdu.addOptionalParameter(new Tlv(SmppConstants.TAG_SAR_SEGMENT_SEQNUM, new byte[] {(byte) (int) part.sarSeq}));
    }
    if (part.messagePayload != null) pdu.addOptionalParameter(new Tlv(SmppConstants.TAG_MESSAGE_PAYLOAD, part.messagePayload));
    return pdu;
  }

  static String bindTypeName(SmppBindType type) {
    switch (type) {
      case TRANSCEIVER: return "transceiver";
      case TRANSMITTER: return "transmitter";
      default: return "receiver";
    }
  }

  static PduResponse send(SmppSession session, PduRequest<?> request) throws Exception {
    WindowFuture<Integer, PduRequest, PduResponse> future = session.sendRequestPdu(request, TIMEOUT_MS, true);
    if (!future.await() || !future.isSuccess()) throw new IllegalStateException("no response to " + request.getName() + ": " + future.getCause());
    return future.getResponse();
  }

  /**
   * What both roles do with an incoming PDU: report it, answer enquire_link and unbind (closing
   * after the latter, as Cloudhopper leaves that to the application), remember response statuses.
   */
  abstract class Handler extends DefaultSmppSessionHandler {
    final Map<String, Object> where;
    final Map<Integer, Integer> lastStatus = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    volatile SmppSession session;
    /** The library checks bind_resp and keeps only its verdict: the handler sees it go by first. */
    volatile BaseBindResp bindResp;

    Handler(Map<String, Object> where) {
      this.where = where;
    }

    abstract PduResponse onMessage(PduRequest<?> request);

    @Override
    public boolean firePduReceived(Pdu pdu) {
      lastStatus.put(pdu.getCommandId(), pdu.getCommandStatus());
      if (pdu instanceof BaseBindResp) bindResp = (BaseBindResp) pdu;
      emit(withWhere(event("pdu_in", "command_id", pdu.getCommandId() & 0xffffffffL, "status", pdu.getCommandStatus(), "seq", pdu.getSequenceNumber()), where));
      return true;
    }

    @Override
    public PduResponse firePduRequestReceived(PduRequest request) {
      if (request instanceof EnquireLink) {
        emit(withWhere(event("enquire_link", "seq", request.getSequenceNumber()), where));
        return request.createResponse();
      }
      if (request instanceof Unbind) {
        emit(withWhere(event("unbind", "seq", request.getSequenceNumber()), where));
        SmppSession current = session;
        try {
          current.sendResponsePdu(request.createResponse());
        } catch (Exception e) {
          emit(withWhere(event("unbind_resp_failed", "error", e.toString()), where));
        }
        io.execute(() -> {
          current.close();
          reportClosed();
        });
        return null;
      }
      return onMessage(request);
    }

    @Override
    public void fireChannelUnexpectedlyClosed() {
      reportClosed();
    }

    void reportClosed() {
      if (closed.compareAndSet(false, true)) emit(withWhere(event("closed"), where));
    }

    @Override
    public void fireRecoverablePduException(RecoverablePduException e) {
      emit(withWhere(event("decode_error", "error", e.toString()), where));
    }

    @Override
    public void fireUnrecoverablePduException(UnrecoverablePduException e) {
      emit(withWhere(event("decode_error", "error", e.toString()), where));
    }

    @Override
    public void fireUnknownThrowable(Throwable t) {
      emit(withWhere(event("session_error", "error", t.toString()), where));
    }

    @Override
    public void fireUnexpectedPduResponseReceived(PduResponse response) {
      emit(withWhere(event("unexpected_response", "command_id", response.getCommandId() & 0xffffffffL, "seq", response.getSequenceNumber()), where));
    }

    @Override
    public void fireExpectedPduResponseReceived(PduAsyncResponse response) {}

    Map<String, Object> enquireLink() throws Exception {
      EnquireLinkResp resp = session.enquireLink(new EnquireLink(), TIMEOUT_MS);
      return result("status", resp.getCommandStatus());
    }

    Map<String, Object> unbind() {
      session.unbind(TIMEOUT_MS);
      reportClosed();
      return result("status", lastStatus.get(SmppConstants.CMD_ID_UNBIND_RESP));
    }
  }

  // -------------------------------------------------------------------------------------------
  // Cloudhopper as the SMSC.

  final class Smsc implements SmppServerHandler {
    final String id;
    final String systemId;
    final String password;
    final int port;
    final AtomicInteger throttle = new AtomicInteger();
    private final DefaultSmppServer server;
    private final Map<Long, SmscSession> sessions = new ConcurrentHashMap<>();
    private final AtomicLong nextMessageId = new AtomicLong(0x5f3a9c00L);

    Smsc(Args a) throws Exception {
      id = a.str("smsc");
      systemId = a.str("system_id");
      password = a.str("password");
      DefaultSmppServer started = null;
      int chosen = 0;
      // Cloudhopper does not say which port it bound when given 0: a free one is picked first.
      for (int attempt = 0; started == null; attempt++) {
        try (ServerSocket probe = new ServerSocket(0)) {
          chosen = probe.getLocalPort();
        }
        SmppServerConfiguration config = new SmppServerConfiguration();
        config.setName("cloudhopper-smsc-" + id);
        config.setHost("127.0.0.1");
        config.setPort(chosen);
        config.setSystemId(a.str("smsc_id", "CH-SMSC"));
        config.setNonBlockingSocketsEnabled(true);
        config.setDefaultRequestExpiryTimeout(TIMEOUT_MS);
        config.setDefaultWindowMonitorInterval(1_000);
        config.setDefaultWindowSize(10);
        config.setDefaultSessionCountersEnabled(false);
        config.setJmxEnabled(false);
        config.setBindTimeout(5_000);
        // Its own thread pool: destroy() shuts down the pool a server was given.
        DefaultSmppServer candidate = new DefaultSmppServer(config, this, DaemonExecutors.newCachedDaemonThreadPool(), monitor);
        try {
          candidate.start();
          started = candidate;
        } catch (SmppChannelException e) {
          candidate.destroy();
          if (attempt >= 5) throw e;
        }
      }
      server = started;
      port = chosen;
    }

    SmscSession session(Args a) {
      SmscSession session = sessions.get((long) a.integer("session"));
      if (session == null) throw new IllegalArgumentException("no session " + a.integer("session") + " on " + id);
      return session;
    }

    @Override
    public void sessionBindRequested(Long sessionId, SmppSessionConfiguration config, BaseBind bind) throws SmppProcessingException {
      int status = !systemId.equals(config.getSystemId()) ? SmppConstants.STATUS_INVSYSID
          : !password.equals(config.getPassword()) ? SmppConstants.STATUS_INVPASWD
          : SmppConstants.STATUS_OK;
      emit(event("bind", "smsc", id, "session", sessionId, "ok", status == 0, "status", status, "bind_type", bindTypeName(config.getType()),
          "system_id", config.getSystemId(), "password", config.getPassword(), "system_type", config.getSystemType(),
          "interface_version", config.getInterfaceVersion() & 0xff, "addr_ton", bind.getAddressRange().getTon() & 0xff,
          "addr_npi", bind.getAddressRange().getNpi() & 0xff, "address_range", bind.getAddressRange().getAddress()));
      if (status != SmppConstants.STATUS_OK) throw new SmppProcessingException(status);
    }

    @Override
    public void sessionCreated(Long sessionId, SmppServerSession session, BaseBindResp preparedBindResponse) {
      SmscSession handler = new SmscSession(this, sessionId);
      handler.session = session;
      sessions.put(sessionId, handler);
      session.serverReady(handler);
    }

    @Override
    public void sessionDestroyed(Long sessionId, SmppServerSession session) {
      SmscSession handler = sessions.get(sessionId);
      if (handler != null) handler.reportClosed();
      session.destroy();
    }

    String nextMessageId() {
      return DeliveryReceipt.toMessageIdAsHexString(nextMessageId.incrementAndGet());
    }

    void stop() {
      server.destroy();
    }
  }

  final class SmscSession extends Handler {
    final Smsc smsc;

    SmscSession(Smsc smsc, long number) {
      super(result("smsc", smsc.id, "session", number));
      this.smsc = smsc;
    }

    @Override
    PduResponse onMessage(PduRequest<?> request) {
      if (!(request instanceof SubmitSm)) {
        PduResponse refused = request.createResponse();
        refused.setCommandStatus(SmppConstants.STATUS_INVCMDID);
        return refused;
      }
      SubmitSm submitSm = (SubmitSm) request;
      Sms.Received pdu = received(submitSm);
      Map<String, Object> seen = withWhere(event("submit_sm"), where);
      seen.putAll(messageFields(pdu));
      SubmitSmResp resp = submitSm.createResponse();
      if (smsc.throttle.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
        resp.setCommandStatus(SmppConstants.STATUS_THROTTLED);
        seen.put("status", SmppConstants.STATUS_THROTTLED);
        emit(seen);
        return resp;
      }
      String messageId = smsc.nextMessageId();
      resp.setMessageId(messageId);
      seen.put("status", 0);
      seen.put("message_id", messageId);
      emit(seen);
      Map<String, Object> message = assembler.accept(smsc.id + "/" + where.get("session"), pdu);
      if (message != null) {
        Map<String, Object> whole = withWhere(event("message", "source_addr", pdu.source, "destination_addr", pdu.destination), where);
        whole.putAll(message);
        emit(whole);
      }
      return resp;
    }

    Map<String, Object> deliver(Args a) throws Exception {
      List<Object> statuses = new ArrayList<>();
      List<Sms.Part> parts = parts(a);
      for (Sms.Part part : parts) statuses.add(send(session, fill(new DeliverSm(), a, part)).getCommandStatus());
      return result("statuses", statuses, "concat_ref", Sms.refOf(parts));
    }

    Map<String, Object> receipt(Args a) throws Exception {
      String messageId = a.str("message_id");
      DeliveryReceipt receipt = new DeliveryReceipt();
      // Cloudhopper writes a numeric id as ten decimal digits, the hex id of submit_sm_resp read as a number.
      if (a.str("id_form", "hex").equals("decimal")) receipt.setMessageId(DeliveryReceipt.toMessageIdAsLong(messageId));
      else receipt.setMessageId(messageId);
      byte state = DeliveryReceipt.toState(a.str("stat"));
      receipt.setSubmitCount(1);
      receipt.setDeliveredCount(state == SmppConstants.STATE_DELIVERED ? 1 : 0);
      receipt.setSubmitDate(new DateTime(DateTimeZone.UTC).minusMinutes(1));
      receipt.setDoneDate(new DateTime(DateTimeZone.UTC));
      receipt.setState(state);
      receipt.setRawErrorCode(a.str("err", "000"));
      receipt.setText(a.str("text", ""));
      String text = receipt.toShortMessage();
      DeliverSm deliverSm = new DeliverSm();
      deliverSm.setSourceAddress(new Address((byte) 1, (byte) 1, a.str("source")));
      deliverSm.setDestAddress(new Address((byte) 0, (byte) 0, a.str("destination")));
      deliverSm.setEsmClass(SmppConstants.ESM_CLASS_MT_SMSC_DELIVERY_RECEIPT);
      deliverSm.setShortMessage(text.getBytes(StandardCharsets.ISO_8859_1));
      if (a.bool("tlvs", false)) {
        deliverSm.addOptionalParameter(TlvUtil.createNullTerminatedStringTlv(SmppConstants.TAG_RECEIPTED_MSG_ID, messageId));
        deliverSm.addOptionalParameter(new Tlv(SmppConstants.TAG_MSG_STATE, new byte[] {state}));
      }
      return result("status", send(session, deliverSm).getCommandStatus(), "text", text);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Cloudhopper as the ESME.

  final class Esme extends Handler {
    final String id;
    private final AtomicInteger respondLeft = new AtomicInteger();
    private volatile int respondStatus;

    Esme(String id) {
      super(result("esme", id));
      this.id = id;
    }

    Map<String, Object> bind(Args a) throws Exception {
      String type = a.str("bind_type");
      SmppSessionConfiguration config = new SmppSessionConfiguration();
      config.setName("cloudhopper-esme-" + id);
      config.setType(type.equals("transceiver") ? SmppBindType.TRANSCEIVER : type.equals("transmitter") ? SmppBindType.TRANSMITTER : SmppBindType.RECEIVER);
      config.setHost(a.str("host", "127.0.0.1"));
      config.setPort(a.integer("port"));
      config.setConnectTimeout(TIMEOUT_MS);
      config.setBindTimeout(a.integer("timeout_ms", (int) TIMEOUT_MS));
      config.setSystemId(a.str("system_id"));
      config.setPassword(a.str("password"));
      config.setSystemType(a.str("system_type", ""));
      config.setInterfaceVersion(SmppConstants.VERSION_3_4);
      config.setWindowSize(10);
      config.setRequestExpiryTimeout(TIMEOUT_MS);
      config.setWindowMonitorInterval(1_000);
      config.getLoggingOptions().setLogBytes(false);
      config.getLoggingOptions().setLogPdu(false);
      try {
        session = client.bind(config, this);
      } catch (SmppBindException e) {
        return result("status", e.getBindResponse().getCommandStatus(), "error", e.getMessage(), "bind_resp_status", e.getBindResponse().getCommandStatus());
      }
      Tlv version = bindResp == null ? null : bindResp.getOptionalParameter(SmppConstants.TAG_SC_INTERFACE_VERSION);
      // Cloudhopper sends TLVs only to a peer whose bind_resp names SMPP 3.4 in sc_interface_version.
      return result("status", 0, "bind_resp_status", bindResp == null ? null : bindResp.getCommandStatus(), "system_id", bindResp == null ? null : bindResp.getSystemId(),
          "sc_interface_version", version == null ? null : (int) version.getValueAsUnsignedByte(),
          "optional_parameters", session.areOptionalParametersSupported());
    }

    Map<String, Object> submit(Args a) throws Exception {
      List<Object> answers = new ArrayList<>();
      List<Sms.Part> parts = parts(a);
      for (Sms.Part part : parts) {
        SubmitSmResp resp = session.submit(fill(new SubmitSm(), a, part), TIMEOUT_MS);
        answers.add(resp.getCommandStatus() == 0 ? result("status", 0, "message_id", resp.getMessageId()) : result("status", resp.getCommandStatus()));
      }
      return result("parts", answers, "concat_ref", Sms.refOf(parts));
    }

    void respondWith(int status, int count) {
      respondStatus = status;
      respondLeft.set(count);
    }

    @Override
    PduResponse onMessage(PduRequest<?> request) {
      PduResponse resp = request.createResponse();
      if (!(request instanceof DeliverSm)) {
        resp.setCommandStatus(SmppConstants.STATUS_INVCMDID);
        return resp;
      }
      DeliverSm deliverSm = (DeliverSm) request;
      Sms.Received pdu = received(deliverSm);
      int status = respondLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0 ? respondStatus : 0;
      Map<String, Object> seen = withWhere(event("deliver_sm"), where);
      seen.putAll(messageFields(pdu));
      seen.put("status", status);
      boolean receipt = SmppUtil.isMessageTypeSmscDeliveryReceipt(deliverSm.getEsmClass());
      seen.put("smsc_delivery_receipt", receipt);
      if (receipt) {
        try {
          DeliveryReceipt read = DeliveryReceipt.parseShortMessage(new String(pdu.shortMessage, StandardCharsets.ISO_8859_1), DateTimeZone.UTC);
          seen.put("receipt", result("id", read.getMessageId(), "submitted", read.getSubmitCount(), "delivered", read.getDeliveredCount(),
              "submit_date", read.getSubmitDate().toString("yyMMddHHmm"), "done_date", read.getDoneDate().toString("yyMMddHHmm"),
              "stat", DeliveryReceipt.toStateText(read.getState()), "err", read.getRawErrorCode(), "text", read.getText()));
        } catch (Exception e) {
          seen.put("receipt_error", e.toString());
        }
      }
      emit(seen);
      resp.setCommandStatus(status);
      if (status != 0 || receipt) return resp;
      Map<String, Object> message = assembler.accept("esme/" + id, pdu);
      if (message != null) {
        Map<String, Object> whole = withWhere(event("message", "source_addr", pdu.source, "destination_addr", pdu.destination), where);
        whole.putAll(message);
        emit(whole);
      }
      return resp;
    }
  }
}
