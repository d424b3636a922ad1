import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.DefaultPDUReader;
import org.jsmpp.DefaultPDUSender;
import org.jsmpp.PDUReader;
import org.jsmpp.PDUSender;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.SynchronizedPDUSender;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindResp;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.Command;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.EnquireLink;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageRequest;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.OptionalParameters;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.LongSMS;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.ServerResponseDeliveryAdapter;
import org.jsmpp.session.Session;
import org.jsmpp.session.SessionStateListener;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.Connection;
import org.jsmpp.session.connection.socket.ServerSocketConnection;
import org.jsmpp.session.connection.socket.SocketConnectionFactory;
import org.jsmpp.util.DefaultDecomposer;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.MessageId;
import org.jsmpp.util.RandomMessageIDGenerator;

/**
 * jsmpp 3.0.1 (org.jsmpp:jsmpp) as an SMSC our EsmeClient binds to and as an ESME that binds to
 * our server, driven by the spec over the line protocol of Peer. Everything on the wire is
 * jsmpp's: its PDU codec, session state machine, typed TLVs, concatenation helper (LongSMS, a
 * 16-bit reference UDH) and delivery receipt format.
 */
public final class JsmppPeer extends Peer {
  private final Map<String, Smsc> smscs = new ConcurrentHashMap<>();
  private final Map<String, Esme> esmes = new ConcurrentHashMap<>();
  private final Sms.Assembler assembler = new Sms.Assembler();

  public static void main(String[] args) throws Exception {
    new JsmppPeer().run("jsmpp");
  }

  @Override
  Map<String, Object> handle(String cmd, Args a) throws Exception {
    switch (cmd) {
      case "smsc_start": {
        Smsc smsc = new Smsc(a);
        smscs.put(smsc.id, smsc);
        return result("port", smsc.socket.getLocalPort());
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
      case "esme_close":
        esmes.remove(a.str("esme")).session.close();
        return result();
      default:
        throw new IllegalArgumentException("unknown command " + cmd);
    }
  }

  @Override
  void shutdown() {
    for (Esme esme : esmes.values()) esme.session.close();
    for (Smsc smsc : smscs.values()) smsc.stop();
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
  // What jsmpp read, reported.

  private static final Map<DeliveryReceiptState, MessageState> MESSAGE_STATE = Map.of(
      DeliveryReceiptState.ENROUTE, MessageState.ENROUTE, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED,
      DeliveryReceiptState.EXPIRED, MessageState.EXPIRED, DeliveryReceiptState.DELETED, MessageState.DELETED,
      DeliveryReceiptState.UNDELIV, MessageState.UNDELIVERABLE, DeliveryReceiptState.ACCEPTD, MessageState.ACCEPTED,
      DeliveryReceiptState.UNKNOWN, MessageState.UNKNOWN, DeliveryReceiptState.REJECTD, MessageState.REJECTED);
  private static final Set<Integer> BIND_RESPONSES = Set.of(SMPPConstant.CID_BIND_RECEIVER_RESP, SMPPConstant.CID_BIND_TRANSMITTER_RESP, SMPPConstant.CID_BIND_TRANSCEIVER_RESP);

  /** Reports every PDU jsmpp reads (command, status, sequence) and remembers each response's status. */
  static final class TapReader extends DefaultPDUReader {
    private final Map<String, Object> where;
    final Map<Integer, Integer> lastStatus = new ConcurrentHashMap<>();
    volatile BindResp lastBindResp;

    TapReader(Map<String, Object> where) {
      this.where = where;
    }

    @Override
    public byte[] readPDU(DataInputStream in, Command header) throws IOException {
      byte[] pdu = super.readPDU(in, header);
      lastStatus.put(header.getCommandId(), header.getCommandStatus());
      emit(withWhere(event("pdu_in", "command_id", header.getCommandId() & 0xffffffffL, "status", header.getCommandStatus(), "seq", header.getSequenceNumber()), where));
      if (header.getCommandId() == SMPPConstant.CID_UNBIND) emit(withWhere(event("unbind", "seq", header.getSequenceNumber()), where));
      if (BIND_RESPONSES.contains(header.getCommandId())) {
        // jsmpp keeps bind_resp to itself; its own decoder reads it again for the spec.
        try {
          lastBindResp = new DefaultDecomposer().bindResp(pdu);
        } catch (PDUStringException e) {
          emit(withWhere(event("decode_error", "error", e.toString()), where));
        }
      }
      return pdu;
    }
  }

  /** Reports a generic_nack jsmpp sends: it means jsmpp could not read what we sent. */
  static final class TapSender extends DefaultPDUSender {
    private final Map<String, Object> where;

    TapSender(Map<String, Object> where) {
      this.where = where;
    }

    @Override
    public byte[] sendGenericNack(OutputStream os, int commandStatus, int sequenceNumber) throws IOException {
      emit(withWhere(event("generic_nack_sent", "status", commandStatus, "seq", sequenceNumber), where));
      return super.sendGenericNack(os, commandStatus, sequenceNumber);
    }
  }

  static Sms.Received received(MessageRequest m) {
    Sms.Received r = new Sms.Received();
    r.seq = m.getSequenceNumber();
    r.serviceType = m.getServiceType();
    r.sourceTon = m.getSourceAddrTon() & 0xff;
    r.sourceNpi = m.getSourceAddrNpi() & 0xff;
    r.source = m.getSourceAddr();
    r.destTon = m.getDestAddrTon() & 0xff;
    r.destNpi = m.getDestAddrNpi() & 0xff;
    r.destination = m.getDestAddress();
    r.esmClass = m.getEsmClass() & 0xff;
    r.protocolId = m.getProtocolId() & 0xff;
    r.priority = m.getPriorityFlag() & 0xff;
    r.scheduleDeliveryTime = m.getScheduleDeliveryTime();
    r.validityPeriod = m.getValidityPeriod();
    r.registeredDelivery = m.getRegisteredDelivery() & 0xff;
    r.replaceIfPresent = m.getReplaceIfPresent() & 0xff;
    r.dataCoding = m.getDataCoding() & 0xff;
    r.defaultMsgId = m.getSmDefaultMsgId() & 0xff;
    r.shortMessage = m.getShortMessage() == null ? new byte[0] : m.getShortMessage();
    if (m.getOptionalParameters() != null) {
      for (OptionalParameter parameter : m.getOptionalParameters()) {
        byte[] tlv = parameter.serialize();
        r.tlvs.add(new Sms.Tlv(parameter.tag, Arrays.copyOfRange(tlv, 4, tlv.length)));
      }
    }
    r.udhi = GSMSpecificFeature.UDHI.containedIn(m.getEsmClass());
    // jsmpp leaves the user data header to the application: its length octet says where it ends.
    if (r.udhi && r.shortMessage.length > 0) r.userDataHeader = Arrays.copyOf(r.shortMessage, Math.min(r.shortMessage.length, 1 + (r.shortMessage[0] & 0xff)));
    OptionalParameter ref = m.getOptionalParameter(OptionalParameter.Tag.SAR_MSG_REF_NUM);
    OptionalParameter total = m.getOptionalParameter(OptionalParameter.Tag.SAR_TOTAL_SEGMENTS);
    OptionalParameter seq = m.getOptionalParameter(OptionalParameter.Tag.SAR_SEGMENT_SEQNUM);
    if (ref instanceof OptionalParameter.Short) r.sarRef = ((OptionalParameter.Short) ref).getValue() & 0xffff;
    if (total instanceof OptionalParameter.Byte) r.sarTotal = ((OptionalParameter.Byte) total).getValue() & 0xff;
    if (seq instanceof OptionalParameter.Byte) r.sarSeq = ((OptionalParameter.Byte) seq).getValue() & 0xff;
    OptionalParameter payload = m.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD);
    if (payload instanceof OptionalParameter.OctetString) r.messagePayload = ((OptionalParameter.OctetString) payload).getValue();
    return r;
  }

  /** The library-built PDUs of one outgoing message; jsmpp's own splitter gives the 16-bit reference UDH. */
  static List<Sms.Part> parts(Args a) {
    byte[] text = Sms.encode(a.str("text"), a.str("coding"));
    return Sms.split(text, a.str("mode", "single"), a.integer("concat_ref", 0), null, LongSMS::splitMessage8Bit);
  }

  static OptionalParameter[] tlvsOf(Sms.Part part) {
    List<OptionalParameter> tlvs = new ArrayList<>();
    if (part.sarRef != null) {
      tlvs.add(OptionalParameters.newSarMsgRefNum(part.sarRef));
      tlvs.add(OptionalParameters.newSarTotalSegments(part.sarTotal));
      tlvs.add(OptionalParameters.newSarSegmentSeqnum(part.sarSeq));
    }
    if (part.messagePayload != null) tlvs.add(new OptionalParameter.Message_payload(part.messagePayload));
    return tlvs.toArray(new OptionalParameter[0]);
  }

  static int statusOf(Exception error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof NegativeResponseException) return ((NegativeResponseException) cause).getCommandStatus();
    }
    return -1;
  }

  static String bindTypeName(BindType type) {
    switch (type) {
      case BIND_TRX: return "transceiver";
      case BIND_TX: return "transmitter";
      default: return "receiver";
    }
  }

  // -------------------------------------------------------------------------------------------
  // jsmpp as the SMSC.

  /** SMPPServerSession with its enquire_link on demand (jsmpp sends one only after idling). */
  static final class ServerSide extends SMPPServerSession {
    ServerSide(Connection conn, SessionStateListener states, ServerMessageReceiverListener receiver, PDUSender sender, PDUReader reader) {
      super(conn, states, receiver, new ServerResponseDeliveryAdapter() {}, 3, 100, sender, reader);
    }

    void enquireLinkNow() throws Exception {
      sendEnquireLink();
    }
  }

  final class Smsc {
    final String id;
    final String systemId;
    final String password;
    final String smscId;
    final ServerSocket socket;
    final AtomicInteger throttle = new AtomicInteger();
    private final ServerSocketConnection listener;
    private final AtomicInteger sessionCount = new AtomicInteger();
    private final Map<Integer, SmscSession> sessions = new ConcurrentHashMap<>();
    private final RandomMessageIDGenerator ids = new RandomMessageIDGenerator();
    private volatile boolean stopped;

    Smsc(Args a) throws IOException {
      id = a.str("smsc");
      systemId = a.str("system_id");
      password = a.str("password");
      smscId = a.str("smsc_id", "JSMPP-SMSC");
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      listener = new ServerSocketConnection(socket);
      Thread acceptor = new Thread(this::acceptLoop, "jsmpp-smsc-" + id);
      acceptor.setDaemon(true);
      acceptor.start();
    }

    SmscSession session(Args a) {
      SmscSession session = sessions.get(a.integer("session"));
      if (session == null) throw new IllegalArgumentException("no session " + a.integer("session") + " on " + id);
      return session;
    }

    MessageId nextMessageId() {
      return ids.newMessageId();
    }

    private void acceptLoop() {
      while (!stopped) {
        Connection conn;
        try {
          conn = listener.accept();
        } catch (IOException e) {
          return;
        }
        int number = sessionCount.incrementAndGet();
        Thread serve = new Thread(() -> {
          SmscSession session = new SmscSession(this, number, conn);
          sessions.put(number, session);
          session.awaitBind();
        }, "jsmpp-smsc-" + id + "-" + number);
        serve.setDaemon(true);
        serve.start();
      }
    }

    void stop() {
      stopped = true;
      try {
        listener.close();
      } catch (IOException ignored) {
        // already closed
      }
      for (SmscSession session : sessions.values()) session.session.close();
    }
  }

  final class SmscSession implements ServerMessageReceiverListener, SessionStateListener {
    final Smsc smsc;
    final Map<String, Object> where;
    final ServerSide session;
    final TapReader reader;

    SmscSession(Smsc smsc, int number, Connection conn) {
      this.smsc = smsc;
      where = result("smsc", smsc.id, "session", number);
      reader = new TapReader(where);
      session = new ServerSide(conn, this, this, new SynchronizedPDUSender(new TapSender(where)), reader);
      session.setTransactionTimer(5_000);
    }

    void awaitBind() {
      try {
        BindRequest bind = session.waitForBind(5000);
        int status = !smsc.systemId.equals(bind.getSystemId()) ? SMPPConstant.STAT_ESME_RINVSYSID
            : !smsc.password.equals(bind.getPassword()) ? SMPPConstant.STAT_ESME_RINVPASWD
            : SMPPConstant.STAT_ESME_ROK;
        emit(withWhere(event("bind", "ok", status == 0, "status", status, "bind_type", bindTypeName(bind.getBindType()),
            "system_id", bind.getSystemId(), "password", bind.getPassword(), "system_type", bind.getSystemType(),
            "interface_version", bind.getInterfaceVersion().value() & 0xff, "addr_ton", bind.getAddrTon().value() & 0xff,
            "addr_npi", bind.getAddrNpi().value() & 0xff, "address_range", bind.getAddressRange()), where));
        if (status == SMPPConstant.STAT_ESME_ROK) bind.accept(smsc.smscId, InterfaceVersion.IF_34);
        else bind.reject(status);
      } catch (Exception e) {
        emit(withWhere(event("bind_error", "error", e.toString()), where));
      }
    }

    @Override
    public SubmitSmResult onAcceptSubmitSm(SubmitSm submitSm, SMPPServerSession source) throws ProcessRequestException {
      Sms.Received pdu = received(submitSm);
      Map<String, Object> seen = withWhere(event("submit_sm"), where);
      seen.putAll(messageFields(pdu));
      if (smsc.throttle.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
        seen.put("status", SMPPConstant.STAT_ESME_RTHROTTLED);
        emit(seen);
        throw new ProcessRequestException("throttled", SMPPConstant.STAT_ESME_RTHROTTLED);
      }
      MessageId messageId = smsc.nextMessageId();
      seen.put("status", 0);
      seen.put("message_id", messageId.getValue());
      emit(seen);
      Map<String, Object> message = assembler.accept(smsc.id + "/" + where.get("session"), pdu);
      if (message != null) {
        Map<String, Object> whole = withWhere(event("message", "source_addr", pdu.source, "destination_addr", pdu.destination), where);
        whole.putAll(message);
        emit(whole);
      }
      return new SubmitSmResult(messageId, new OptionalParameter[0]);
    }

    @Override
    public void onAcceptEnquireLink(EnquireLink enquireLink, Session source) {
      emit(withWhere(event("enquire_link", "seq", enquireLink.getSequenceNumber()), where));
    }

    @Override
    public void onStateChange(SessionState newState, SessionState oldState, Session source) {
      if (newState == SessionState.CLOSED) emit(withWhere(event("closed"), where));
    }

    Map<String, Object> deliver(Args a) throws Exception {
      List<Object> statuses = new ArrayList<>();
      int dataCoding = Sms.dataCoding(a.str("coding"));
      List<Sms.Part> parts = parts(a);
      for (Sms.Part part : parts) {
        try {
          session.deliverShortMessage(a.str("service_type", ""),
              TypeOfNumber.valueOf((byte) a.integer("source_ton", 1)), NumberingPlanIndicator.valueOf((byte) a.integer("source_npi", 1)), a.str("source"),
              TypeOfNumber.valueOf((byte) a.integer("dest_ton", 0)), NumberingPlanIndicator.valueOf((byte) a.integer("dest_npi", 0)), a.str("destination"),
              new ESMClass(part.esmClass), (byte) 0, (byte) 0, new RegisteredDelivery(0), DataCodings.newInstance((byte) dataCoding),
              part.shortMessage, tlvsOf(part));
          statuses.add(0);
        } catch (NegativeResponseException e) {
          statuses.add(e.getCommandStatus());
        }
      }
      return result("statuses", statuses, "concat_ref", Sms.refOf(parts));
    }

    Map<String, Object> receipt(Args a) throws Exception {
      String messageId = a.str("message_id");
      // As jsmpp's own SMSC simulator writes it: the hex id of submit_sm_resp as a decimal number.
      String shown = a.str("id_form", "hex").equals("decimal") ? Long.toString(Long.parseLong(messageId, 16)) : messageId;
      DeliveryReceiptState state = DeliveryReceiptState.valueOf(a.str("stat"));
      Date submitted = new Date(System.currentTimeMillis() - 60_000);
      DeliveryReceipt receipt = new DeliveryReceipt(shown, 1, state == DeliveryReceiptState.DELIVRD ? 1 : 0, submitted, new Date(), state, a.str("err", "000"), a.str("text", ""));
      List<OptionalParameter> tlvs = new ArrayList<>();
      if (a.bool("tlvs", false)) {
        tlvs.add(new OptionalParameter.Receipted_message_id(messageId));
        // Not state.value(): DeliveryReceiptState counts from ENROUTE = 0, message_state from ENROUTE = 1.
        tlvs.add(new OptionalParameter.Message_state(MESSAGE_STATE.get(state).value()));
      }
      String text = receipt.toString();
      int status = 0;
      try {
        session.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, a.str("source"),
            TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, a.str("destination"),
            new ESMClass(MessageMode.DEFAULT, MessageType.SMSC_DEL_RECEIPT, GSMSpecificFeature.DEFAULT), (byte) 0, (byte) 0,
            new RegisteredDelivery(0), DataCodings.ZERO, text.getBytes(StandardCharsets.ISO_8859_1), tlvs.toArray(new OptionalParameter[0]));
      } catch (NegativeResponseException e) {
        status = e.getCommandStatus();
      }
      return result("status", status, "text", text);
    }

    Map<String, Object> enquireLink() throws Exception {
      session.enquireLinkNow();
      return result("status", reader.lastStatus.get(SMPPConstant.CID_ENQUIRE_LINK_RESP));
    }

    Map<String, Object> unbind() {
      session.unbindAndClose();
      return result("status", reader.lastStatus.get(SMPPConstant.CID_UNBIND_RESP));
    }

    @Override
    public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source) throws ProcessRequestException {
      throw new ProcessRequestException("submit_multi is not used", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
      throw new ProcessRequestException("query_sm is not used", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
      throw new ProcessRequestException("replace_sm is not used", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
      throw new ProcessRequestException("cancel_sm is not used", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source) throws ProcessRequestException {
      throw new ProcessRequestException("broadcast_sm is not used", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
      throw new ProcessRequestException("cancel_broadcast_sm is not used", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
      throw new ProcessRequestException("query_broadcast_sm is not used", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
      throw new ProcessRequestException("data_sm is not used", SMPPConstant.STAT_ESME_RINVCMDID);
    }
  }

  // -------------------------------------------------------------------------------------------
  // jsmpp as the ESME.

  /** SMPPSession with its enquire_link on demand. */
  static final class ClientSide extends SMPPSession {
    ClientSide(PDUSender sender, PDUReader reader) {
      super(sender, reader, SocketConnectionFactory.getInstance());
    }

    void enquireLinkNow() throws Exception {
      sendEnquireLink();
    }
  }

  final class Esme implements MessageReceiverListener, SessionStateListener {
    final String id;
    final Map<String, Object> where;
    final TapReader reader;
    final ClientSide session;
    private final AtomicInteger respondLeft = new AtomicInteger();
    private volatile int respondStatus;

    Esme(String id) {
      this.id = id;
      where = result("esme", id);
      reader = new TapReader(where);
      session = new ClientSide(new SynchronizedPDUSender(new TapSender(where)), reader);
      session.setTransactionTimer(5_000);
      session.setMessageReceiverListener(this);
      session.addSessionStateListener(this);
    }

    Map<String, Object> bind(Args a) {
      BindType type = a.str("bind_type").equals("transceiver") ? BindType.BIND_TRX : a.str("bind_type").equals("transmitter") ? BindType.BIND_TX : BindType.BIND_RX;
      try {
        String smscSystemId = session.connectAndBind(a.str("host", "127.0.0.1"), a.integer("port"),
            new BindParameter(type, a.str("system_id"), a.str("password"), a.str("system_type", ""), TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34),
            a.integer("timeout_ms", 5_000));
        BindResp resp = reader.lastBindResp;
        OptionalParameter.Sc_interface_version version = resp == null ? null : resp.getOptionalParameter(OptionalParameter.Sc_interface_version.class);
        return result("status", 0, "system_id", smscSystemId, "sc_interface_version", version == null ? null : version.getValue() & 0xff,
            "bind_resp_status", reader.lastStatus.get(type.responseCommandId()));
      } catch (IOException e) {
        return result("status", statusOf(e), "error", e.getMessage(), "bind_resp_status", reader.lastStatus.get(type.responseCommandId()));
      }
    }

    Map<String, Object> submit(Args a) throws Exception {
      List<Object> answers = new ArrayList<>();
      int dataCoding = Sms.dataCoding(a.str("coding"));
      List<Sms.Part> parts = parts(a);
      for (Sms.Part part : parts) {
        try {
          SubmitSmResult resp = session.submitShortMessage(a.str("service_type", ""),
              TypeOfNumber.valueOf((byte) a.integer("source_ton", 1)), NumberingPlanIndicator.valueOf((byte) a.integer("source_npi", 1)), a.str("source"),
              TypeOfNumber.valueOf((byte) a.integer("dest_ton", 0)), NumberingPlanIndicator.valueOf((byte) a.integer("dest_npi", 0)), a.str("destination"),
              new ESMClass(part.esmClass), (byte) 0, (byte) 0, null, null, new RegisteredDelivery(a.integer("registered_delivery", 0)), (byte) 0,
              DataCodings.newInstance((byte) dataCoding), (byte) 0, part.shortMessage, tlvsOf(part));
          answers.add(result("status", 0, "message_id", resp.getMessageId()));
        } catch (NegativeResponseException e) {
          answers.add(result("status", e.getCommandStatus()));
        }
      }
      return result("parts", answers, "concat_ref", Sms.refOf(parts));
    }

    void respondWith(int status, int count) {
      respondStatus = status;
      respondLeft.set(count);
    }

    Map<String, Object> enquireLink() throws Exception {
      session.enquireLinkNow();
      return result("status", reader.lastStatus.get(SMPPConstant.CID_ENQUIRE_LINK_RESP));
    }

    Map<String, Object> unbind() {
      session.unbindAndClose();
      return result("status", reader.lastStatus.get(SMPPConstant.CID_UNBIND_RESP));
    }

    @Override
    public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
      Sms.Received pdu = received(deliverSm);
      int status = respondLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0 ? respondStatus : 0;
      Map<String, Object> seen = withWhere(event("deliver_sm"), where);
      seen.putAll(messageFields(pdu));
      seen.put("status", status);
      boolean receipt = deliverSm.isSmscDeliveryReceipt();
      seen.put("smsc_delivery_receipt", receipt);
      if (receipt) {
        try {
          DeliveryReceipt read = deliverSm.getShortMessageAsDeliveryReceipt();
          // jsmpp reads the dates in the JVM's time zone; written back in it, they read as sent.
          SimpleDateFormat format = new SimpleDateFormat("yyMMddHHmm");
          seen.put("receipt", result("id", read.getId(), "submitted", read.getSubmitted(), "delivered", read.getDelivered(),
              "submit_date", format.format(read.getSubmitDate()), "done_date", format.format(read.getDoneDate()),
              "stat", String.valueOf(read.getFinalStatus()), "err", read.getError(), "text", read.getText()));
        } catch (Exception e) {
          seen.put("receipt_error", e.toString());
        }
      }
      emit(seen);
      if (status != 0) throw new ProcessRequestException("answered as the spec asked", status);
      if (receipt) return;
      Map<String, Object> message = assembler.accept("esme/" + id, pdu);
      if (message != null) {
        Map<String, Object> whole = withWhere(event("message", "source_addr", pdu.source, "destination_addr", pdu.destination), where);
        whole.putAll(message);
        emit(whole);
      }
    }

    @Override
    public void onAcceptAlertNotification(AlertNotification alertNotification) {
      emit(withWhere(event("alert_notification"), where));
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
      throw new ProcessRequestException("data_sm is not used", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void onAcceptEnquireLink(EnquireLink enquireLink, Session source) {
      emit(withWhere(event("enquire_link", "seq", enquireLink.getSequenceNumber()), where));
    }

    @Override
    public void onStateChange(SessionState newState, SessionState oldState, Session source) {
      if (newState == SessionState.CLOSED) emit(withWhere(event("closed"), where));
    }
  }
}
