import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * Prints "topic<TAB>partitions" for every non-internal topic, one per line, sorted. Run by
 * infra.sh status through the JDK's single-file source launcher, so the broker's own
 * kafka-clients jar answers and no Node.js or compiled class is needed.
 */
public final class ListTopics {
  public static void main(String[] args) throws Exception {
    String brokers = args.length > 0 ? args[0] : "127.0.0.1:9092";
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "parchee-infra-status");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
    try (Admin admin = Admin.create(props)) {
      Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      Map<String, TopicDescription> described =
          admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
      for (Map.Entry<String, TopicDescription> e : new TreeMap<>(described).entrySet()) {
        System.out.println(e.getKey() + "\t" + e.getValue().partitions().size());
      }
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("cannot list topics on " + brokers + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
      System.exit(1);
    }
  }
}
