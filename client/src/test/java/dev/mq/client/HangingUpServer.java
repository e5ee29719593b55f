package dev.mq.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * An endpoint that accepts each connection, reads the start of the request and closes the connection
 * without an answer: a connection that breaks mid-request, as a crashed server or a dropped proxy does.
 */
public final class HangingUpServer implements AutoCloseable {
    private final ServerSocket socket;

    public HangingUpServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::hangUpOnEach, "hanging-up-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    private void hangUpOnEach() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept();
                    InputStream request = connection.getInputStream()) {
                request.read(new byte[8192]); // the request was sent, so the server may have acted on it
            } catch (IOException closed) {
                // closed by close(), or the client went away first
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
