import java.nio.file.Path;
import java.time.Duration;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * The smallest Neo4j server chainmap's tests need: an embedded Neo4j 5.26 Community DBMS in a
 * fresh home folder, with Bolt on 127.0.0.1 and nothing else listening.
 *
 * <p>Usage: {@code java -Xmx1g -cp 'lib/*:classes' TestServer HOME PORT}. Prints {@code READY
 * bolt://127.0.0.1:PORT} once it accepts connections and shuts down cleanly on SIGTERM.
 */
public final class TestServer {
  private TestServer() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: TestServer HOME PORT");
      System.exit(2);
    }
    Path home = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(HttpConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.auth_enabled, false)
            .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(512))
            .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5))
            .build();
    dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME); // waits until it is available
    Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "shutdown"));
    System.out.println("READY bolt://127.0.0.1:" + port);
    System.out.flush();
    Thread.currentThread().join();
  }
}
