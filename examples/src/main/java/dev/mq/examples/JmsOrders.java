package dev.mq.examples;

import com.amazon.sqs.javamessaging.ProviderConfiguration;
import com.amazon.sqs.javamessaging.SQSConnection;
import com.amazon.sqs.javamessaging.SQSConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An SQS application that knows nothing of mq, run against it: the Amazon SQS Java Messaging Library
 * (JMS 3.1 over the AWS SDK v2's {@link SqsClient}) sends orders with a JMS producer and takes them with
 * a JMS {@link MessageListener}. Only the {@code SqsClient} it is given points it at mq: its
 * {@code endpointOverride} for the local server, or {@code MqSqsClients.forDeployment} for a deployment.
 *
 * <p>What it exercises on mq's SQS endpoint: CreateQueue, GetQueueUrl, SendMessage with typed message
 * attributes (a JMS {@code int} property travels as {@code Number.int}, and the SDK checks the MD5 of
 * body and attributes), long-polling ReceiveMessage with every attribute, DeleteMessage (the session's
 * automatic acknowledgement) and DeleteQueue.
 */
public final class JmsOrders {
    /**
     * What the listener took.
     *
     * @param amounts each order's body and the amount it carried, as the JMS properties gave it back
     * @param deliveries how many messages the listener was handed, a redelivery counted again
     */
    public record Result(Map<String, Integer> amounts, int deliveries) {}

    private static final long WAIT_SECONDS = 60;

    private final SqsClient sqs;
    private final String prefix;
    private final PrintStream out;

    public JmsOrders(SqsClient sqs, String prefix, PrintStream out) {
        this.sqs = sqs;
        this.prefix = prefix;
        this.out = out;
    }

    public Result run(int orders) throws JMSException, InterruptedException {
        String queueName = prefix + "jms-orders";
        // the queue is the application's infrastructure, made as it would make it in SQS
        String queueUrl = sqs.createQueue(r -> r.queueName(queueName)).queueUrl();
        out.println("queue " + queueUrl);
        Listener listener = new Listener(orders);
        try (SQSConnection connection = new SQSConnectionFactory(new ProviderConfiguration(), sqs).createConnection()) {
            Session producing = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = producing.createQueue(queueName);
            MessageProducer producer = producing.createProducer(queue);
            for (int i = 1; i <= orders; i++) {
                TextMessage order = producing.createTextMessage("order-" + i);
                order.setIntProperty("amount", 10 * i);
                order.setStringProperty("customer", "c" + (i % 3));
                producer.send(order);
            }
            out.println("sent " + orders + " orders with a JMS producer");

            Session consuming = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = consuming.createConsumer(consuming.createQueue(queueName));
            consumer.setMessageListener(listener);
            connection.start();
            boolean all = listener.taken.await(WAIT_SECONDS, TimeUnit.SECONDS);
            connection.stop();
            out.println((all ? "all " : "only ") + listener.amounts.size() + " orders taken by a JMS MessageListener");
        } finally {
            sqs.deleteQueue(r -> r.queueUrl(queueUrl));
        }
        return new Result(Map.copyOf(listener.amounts), listener.deliveries.get());
    }

    /** A plain JMS listener: it reads the order and its typed property; the session acknowledges it. */
    private static final class Listener implements MessageListener {
        final Map<String, Integer> amounts = new ConcurrentHashMap<>();
        final AtomicInteger deliveries = new AtomicInteger();
        final CountDownLatch taken;

        Listener(int orders) {
            taken = new CountDownLatch(orders);
        }

        @Override
        public void onMessage(Message message) {
            try {
                deliveries.incrementAndGet();
                String body = ((TextMessage) message).getText();
                if (amounts.putIfAbsent(body, message.getIntProperty("amount")) == null) {
                    taken.countDown();
                }
            } catch (JMSException e) {
                throw new IllegalStateException("an order the listener cannot read", e);
            }
        }
    }
}
