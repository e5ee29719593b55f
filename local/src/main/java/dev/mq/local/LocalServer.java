package dev.mq.local;

import com.sun.net.httpserver.HttpServer;
import dev.mq.core.ConsumerDirectory;
import dev.mq.core.EndpointPolicy;
import dev.mq.core.QueueService;
import dev.mq.core.TopicService;
import dev.mq.delivery.DeliveryWorker;
import dev.mq.delivery.EndpointDeliverer;
import dev.mq.deploy.DeployedFunction;
import dev.mq.handlers.AckHandler;
import dev.mq.handlers.AdminHandler;
import dev.mq.handlers.ApiHandler;
import dev.mq.handlers.CountsHandler;
import dev.mq.handlers.FanoutHandler;
import dev.mq.handlers.FunctionRuntime;
import dev.mq.handlers.PublishHandler;
import dev.mq.handlers.ReceiveHandler;
import dev.mq.handlers.SqsHandler;
import dev.mq.store.FaultInjector;
import dev.mq.store.MessageCounts;
import dev.mq.store.Services;
import dev.mq.store.TableSetup;
import dev.mq.store.Tables;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The queue's HTTP API on one machine, with no cloud account: the very handlers the Lambda functions
 * run, fed API Gateway proxy events by an embedded HTTP server, over DynamoDB Local in this JVM.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>It answers as the API behind API Gateway does (docs/openapi.yaml): same routes, bodies, error shapes and
 *       {@code X-Request-Id} on every response, and API Gateway's 10 MiB request limit.</li>
 *   <li>With a token, every request without {@code Authorization: Bearer <token>} is refused (401).
 *       Without one it listens only on a loopback address: {@link #start} refuses anything else.
 *       DynamoDB Local itself listens on 127.0.0.1 only.</li>
 *   <li>With a data directory, queues, un-acknowledged messages and the receipt-handle key survive a
 *       restart; in memory, everything goes with {@link #close()}.</li>
 *   <li>Expired items are swept every minute, as DynamoDB's TTL would (DynamoDB Local never does).</li>
 *   <li>Topic fan-out runs as in AWS: a {@link StreamPoller} feeds the topic log's stream to the same
 *       fan-out handler, so a published message reaches its subscriber queues well within a second. It
 *       checkpoints what it handled, so a restart on the same data directory neither loses nor repeats
 *       a fan-out.</li>
 *   <li>Queue counts are kept as in AWS, from the messages table's stream by the same counter; a stats
 *       read first lets it catch up (at most {@link #COUNTS_CATCH_UP}), so stats are exact at once.</li>
 *   <li>Push consumers (endpoints) get their messages as in AWS, woken by a second reader of the
 *       messages table's stream and by a sweep every second ({@link LocalPush}); nothing polls.</li>
 * </ul>
 */
public final class LocalServer implements AutoCloseable {
    static {
        // The JDK HTTP server leaves Nagle's algorithm on: a response written in two parts then waits for
        // the client's delayed ACK, about 40 ms a request on loopback. Read once, when the server first loads.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /**
     * How to run.
     *
     * @param port    the HTTP port; 0 picks a free one
     * @param dataDir where DynamoDB Local keeps its files and the receipt key; null keeps everything in memory
     * @param bind    the address to listen on; null means 127.0.0.1
     * @param token   the bearer token requests must carry; null means none (then only loopback binds)
     * @param faults  failures to inject into DynamoDB calls (soak and reliability runs); null means none
     * @param logRequests whether to log one line per request (see {@link RequestLog})
     */
    public record Options(
            int port, Path dataDir, String bind, String token, FaultInjector faults, boolean logRequests) {
        public Options(int port, Path dataDir, String bind, String token) {
            this(port, dataDir, bind, token, null);
        }

        public Options(int port, Path dataDir, String bind, String token, FaultInjector faults) {
            this(port, dataDir, bind, token, faults, false);
        }

        /** These options, with a line logged per request. */
        public Options withRequestLog() {
            return new Options(port, dataDir, bind, token, faults, true);
        }

        @Override
        public String toString() {
            // the record's own toString would print the token into whatever log shows the options
            return "Options[port=" + port + ", dataDir=" + dataDir + ", bind=" + bind
                    + ", token=" + (token == null ? "none" : "(set)")
                    + (faults == null ? "" : ", faults injected") + (logRequests ? ", requests logged" : "") + "]";
        }
    }

    static final String DEFAULT_BIND = "127.0.0.1";
    /** Enough for hundreds of consumers each holding a 20-second long poll. */
    static final int MAX_HTTP_THREADS = 256;
    /** A stats read waits at most this long for the counter to catch up, then answers what is counted. */
    static final Duration COUNTS_CATCH_UP = Duration.ofSeconds(2);

    private static final Logger LOG = Logger.getLogger(LocalServer.class.getName());

    private final HttpServer http;
    private final ExecutorService httpThreads;
    private final ExpirySweeper sweeper;
    private final StreamPoller fanout;
    private final StreamPoller counter;
    private final DeliveryWorker.Background deliveries;
    private final LocalPush push;
    private final EmbeddedDynamoDb dynamoDb;
    private final DataDirectory dataDirectory;
    private final URI baseUrl;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalServer(
            HttpServer http,
            ExecutorService httpThreads,
            ExpirySweeper sweeper,
            StreamPoller fanout,
            StreamPoller counter,
            DeliveryWorker.Background deliveries,
            LocalPush push,
            EmbeddedDynamoDb dynamoDb,
            DataDirectory dataDirectory,
            URI baseUrl) {
        this.http = http;
        this.httpThreads = httpThreads;
        this.sweeper = sweeper;
        this.fanout = fanout;
        this.counter = counter;
        this.deliveries = deliveries;
        this.push = push;
        this.dynamoDb = dynamoDb;
        this.dataDirectory = dataDirectory;
        this.baseUrl = baseUrl;
    }

    /**
     * Starts DynamoDB Local, creates the tables when missing, and starts serving. Returns once requests
     * are answered.
     *
     * @throws IllegalArgumentException when the options are unusable, e.g. a non-loopback address without
     *                                  a token; nothing has been started then
     * @throws UnusableDataDirectoryException when the data directory is not one this user can write, or
     *                                  another server uses it; nothing has been started then
     */
    public static LocalServer start(Options options) throws Exception {
        return start(options, Services::consumerDirectory);
    }

    /** @param consumers where push delivery finds the consumers, given the server's services */
    static LocalServer start(Options options, Function<Services, ConsumerDirectory> consumers) throws Exception {
        InetAddress address = checkedBindAddress(options);
        BearerToken token = options.token() == null ? null : new BearerToken(options.token());
        Path dataDir = options.dataDir() == null
                ? null
                : options.dataDir().toAbsolutePath().normalize();
        LocalLogging.quietLibraries();

        // checked before DynamoDB Local starts: it would retry an unusable directory forever
        DataDirectory dataDirectory = dataDir == null ? null : DataDirectory.claim(dataDir);
        EmbeddedDynamoDb dynamoDb;
        try {
            // in process is the fast way; fault injection needs an SDK client, so DynamoDB Local over HTTP
            dynamoDb = EmbeddedDynamoDb.start(
                    dataDir,
                    options.faults() == null ? EmbeddedDynamoDb.Access.IN_PROCESS : EmbeddedDynamoDb.Access.OVER_HTTP);
        } catch (Exception | Error e) {
            release(dataDirectory);
            throw e;
        }
        ExecutorService httpThreads = null;
        HttpServer http = null;
        StreamPoller fanout = null;
        AtomicReference<StreamPoller> counter = new AtomicReference<>();
        LocalPush push = null;
        try {
            Tables tables = Tables.fromEnvironment();
            TableSetup.createIfMissing(dynamoDb.client(), tables);
            byte[] receiptKey = dataDir == null ? ReceiptKeys.random() : ReceiptKeys.loadOrCreate(dataDir);
            // faults, when asked for (soak and reliability runs), hit the queue and topic calls only
            DynamoDbClient data = options.faults() == null ? dynamoDb.client() : dynamoDb.clientWith(options.faults());
            // Stats read the queue counts once the counter has caught up with the writes before them: exact
            // at once, as a laptop user expects, for the price of a stream read.
            Runnable countsCaughtUp = () -> {
                StreamPoller poller = counter.get();
                if (poller != null) {
                    poller.awaitCaughtUp(COUNTS_CATCH_UP);
                }
            };
            // Loopback endpoints are allowed here: on a laptop, the subscriber is usually on it too. Answers
            // keep to the functions' limit, so what works here works deployed.
            EndpointPolicy endpoints = new EndpointPolicy(true, false);
            Services services = Services.over(data, tables)
                    .receiptKey(receiptKey)
                    .countsCaughtUp(countsCaughtUp)
                    .settings(QueueService.Settings.defaults().withMaxAnswerBytes(FunctionRuntime.MAX_ANSWER_BYTES))
                    .endpoints(endpoints)
                    // nothing here can invoke a Lambda function: consumers are endpoints, which may be loopback
                    .functionConsumers(false)
                    .build();
            QueueService service = services.queues();
            TopicService topics = services.topics();

            httpThreads = httpThreads();
            http = HttpServer.create(new InetSocketAddress(address, options.port()), MAX_HTTP_THREADS);
            http.createContext("/", new GatewayHandler(functions(services), token, options.logRequests()));
            http.setExecutor(httpThreads);
            http.start();
            fanout = StreamPoller.start(
                    dynamoDb.streams(),
                    dynamoDb.client(),
                    tables.topicLog(),
                    tables.catalog(),
                    new FanoutHandler(topics));
            counter.set(StreamPoller.start(
                    dynamoDb.streams(),
                    dynamoDb.client(),
                    tables.messages(),
                    tables.catalog(),
                    new CountsHandler(new MessageCounts(dynamoDb.client(), tables), Clock.systemUTC()),
                    "mq-counts",
                    StreamPoller.Pacing.BATCHED));
            push = LocalPush.start(dynamoDb, tables, service, consumers.apply(services), endpoints);
            ExpirySweeper sweeper =
                    ExpirySweeper.start(ExpirySweeper.INTERVAL, service::sweepExpired, topics::sweepExpired);
            URI baseUrl = baseUrl(address, http.getAddress().getPort());
            LOG.fine(() -> "serving " + baseUrl + " with " + options);
            // posts endpoint deliveries; started last, as nothing after it can fail
            DeliveryWorker.Background deliveries = new DeliveryWorker(
                            topics, service, new EndpointDeliverer(), DeliveryWorker.Settings.defaults())
                    .startInBackground();
            return new LocalServer(
                    http,
                    httpThreads,
                    sweeper,
                    fanout,
                    counter.get(),
                    deliveries,
                    push,
                    dynamoDb,
                    dataDirectory,
                    baseUrl);
        } catch (Exception | Error e) {
            if (http != null) {
                http.stop(0);
            }
            if (fanout != null) {
                fanout.close();
            }
            if (counter.get() != null) {
                counter.get().close();
            }
            if (push != null) {
                push.close();
            }
            if (httpThreads != null) {
                httpThreads.shutdownNow();
            }
            dynamoDb.close();
            release(dataDirectory);
            throw e;
        }
    }

    /** Where the API is served, e.g. {@code http://127.0.0.1:8080}, without a trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** The poller feeding the topic log's stream to the fan-out handler (tests look at what it handled). */
    StreamPoller fanout() {
        return fanout;
    }

    /** The poller feeding the messages table's stream to the queue counter. */
    StreamPoller counter() {
        return counter;
    }

    /**
     * Stops accepting requests (those under way get a second to finish), stops the sweeper and the
     * stream poller (a fan-out under way finishes or is handed over again on the next start), then stops
     * DynamoDB Local so its files are closed consistently, and last lets go of the data directory.
     * Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        http.stop(1);
        httpThreads.shutdownNow();
        sweeper.close();
        fanout.close();
        counter.close();
        push.close();
        deliveries.close();
        awaitQuietly(httpThreads);
        dynamoDb.close();
        release(dataDirectory);
    }

    private static void release(DataDirectory dataDirectory) {
        if (dataDirectory != null) {
            dataDirectory.close();
        }
    }

    private static Map<DeployedFunction, ApiHandler> functions(Services services) {
        QueueService service = services.queues();
        TopicService topics = services.topics();
        return Map.of(
                DeployedFunction.PUBLISH, new PublishHandler(service, topics),
                DeployedFunction.RECEIVE, new ReceiveHandler(service),
                DeployedFunction.ACK, new AckHandler(service),
                DeployedFunction.ADMIN, new AdminHandler(service, topics, services.consumers()),
                // ARNs name the region in AWS_REGION, us-east-1 unless it is set
                DeployedFunction.SQS, new SqsHandler(service, System.getenv("AWS_REGION")));
    }

    /**
     * Without a token anyone who can reach the port could read and delete every message, so only a
     * loopback address is allowed then.
     */
    private static InetAddress checkedBindAddress(Options options) {
        if (options.port() < 0 || options.port() > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, not " + options.port());
        }
        String bind = options.bind() == null ? DEFAULT_BIND : options.bind().strip();
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot listen on " + bind + ": unknown host");
        }
        if (!address.isLoopbackAddress() && options.token() == null) {
            throw new IllegalArgumentException("refusing to listen on " + bind + " without a token: anyone who can"
                    + " reach it could read and delete every message. Set a token (--token or MQ_TOKEN), or bind"
                    + " to a loopback address such as 127.0.0.1");
        }
        return address;
    }

    private static URI baseUrl(InetAddress address, int port) {
        // a wildcard address is not somewhere to send requests; this machine is
        InetAddress target = address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address;
        String host = target instanceof Inet6Address ? "[" + target.getHostAddress() + "]" : target.getHostAddress();
        return URI.create("http://" + host + ":" + port);
    }

    /**
     * Bounded, so a flood of connections cannot exhaust the machine, and large, because each long poll
     * holds a thread for up to 20 seconds. Idle threads exit; daemon threads never keep the JVM alive.
     */
    private static ExecutorService httpThreads() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                MAX_HTTP_THREADS,
                MAX_HTTP_THREADS,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                daemonThreads("mq-http-"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void awaitQuietly(ExecutorService executor) {
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
