package org.manchette.solr;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;

/**
 * Runs one process of the local SolrCloud: either the ZooKeeper server or one Solr node.
 *
 * <p>Each runs in its own JVM (started by solr/cluster.py) so that a node can be killed with
 * kill -9 without taking ZooKeeper or the other node down. Both listen on 127.0.0.1 only.
 *
 * <pre>
 *   Launcher zk PORT DATA_DIR
 *   Launcher node PORT ZK_HOST SOLR_HOME
 * </pre>
 */
public final class Launcher {
  private static final String HOST = "127.0.0.1";

  private Launcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("zk")) {
      runZooKeeper(Integer.parseInt(args[1]), Path.of(args[2]));
    } else if (args.length == 4 && args[0].equals("node")) {
      runNode(Integer.parseInt(args[1]), args[2], Path.of(args[3]));
    } else {
      System.err.println("usage: Launcher zk PORT DATA_DIR | Launcher node PORT ZK_HOST SOLR_HOME");
      System.exit(2);
    }
  }

  /** A standalone ZooKeeper (one server, no quorum): all a two-node local cluster needs. */
  private static void runZooKeeper(int port, Path dataDir) throws Exception {
    Files.createDirectories(dataDir);
    // The embedded admin server would take port 8080; Solr does not need it.
    System.setProperty("zookeeper.admin.enableServer", "false");
    // Solr's admin UI asks ZooKeeper for its status with these four-letter words.
    System.setProperty("zookeeper.4lw.commands.whitelist", "mntr,conf,ruok");
    Properties props = new Properties();
    props.setProperty("dataDir", dataDir.toAbsolutePath().toString());
    props.setProperty("clientPort", Integer.toString(port));
    props.setProperty("clientPortAddress", HOST);
    props.setProperty("tickTime", "2000");
    props.setProperty("maxClientCnxns", "0");
    // Keep .solr/ small: old snapshots and transaction logs are purged every hour.
    props.setProperty("autopurge.snapRetainCount", "3");
    props.setProperty("autopurge.purgeInterval", "1");
    QuorumPeerConfig quorumConfig = new QuorumPeerConfig();
    quorumConfig.parseProperties(props);
    ServerConfig config = new ServerConfig();
    config.readFrom(quorumConfig);
    System.out.println("zookeeper: " + HOST + ":" + port);
    new ZooKeeperServerMain().runFromConfig(config);
  }

  /** One real Solr node (Jetty and Solr's dispatch filter), its cores under solrHome. */
  private static void runNode(int port, String zkHost, Path solrHome) throws Exception {
    Files.createDirectories(solrHome);
    Path solrXml = solrHome.resolve("solr.xml");
    try (InputStream in = Launcher.class.getResourceAsStream("/solr.xml")) {
      Files.copy(in, solrXml, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Properties nodeProps = new Properties();
    nodeProps.setProperty("zkHost", zkHost);
    nodeProps.setProperty("host", HOST);
    nodeProps.setProperty("hostPort", Integer.toString(port));
    nodeProps.setProperty("hostContext", "/solr");
    JettyConfig config =
        JettyConfig.builder().setPort(port).setContext("/solr").stopAtShutdown(true).build();
    JettySolrRunner node =
        new JettySolrRunner(solrHome.toAbsolutePath().toString(), nodeProps, config);
    node.start();
    System.out.println("solr node: " + node.getBaseUrl() + " (" + node.getNodeName() + ")");
    // Jetty's threads keep the JVM alive; SIGTERM stops Jetty through its shutdown hook.
    Thread.currentThread().join();
  }
}
