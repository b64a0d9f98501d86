package dev.wanagent.ddns;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Sockets with TCP_NODELAY, for property tests that make thousands of loopback calls: without it, Nagle's algorithm
 * and delayed ACKs stall a request written in two pieces for 40 ms. Nothing else about the client changes.
 */
final class NoDelaySockets {
    private NoDelaySockets() {
    }

    static SocketFactory client() {
        return new SocketFactory() {
            private Socket noDelay(Socket s) throws IOException {
                s.setTcpNoDelay(true);
                return s;
            }

            @Override
            public Socket createSocket() throws IOException {
                return noDelay(new Socket());
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return noDelay(new Socket(host, port));
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
                return noDelay(new Socket(host, port, localHost, localPort));
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return noDelay(new Socket(host, port));
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                return noDelay(new Socket(address, port, localAddress, localPort));
            }
        };
    }

    static ServerSocketFactory server() {
        return new ServerSocketFactory() {
            @Override
            public ServerSocket createServerSocket() throws IOException {
                return new NoDelayServerSocket();
            }

            @Override
            public ServerSocket createServerSocket(int port) throws IOException {
                return bound(port, 50, null);
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog) throws IOException {
                return bound(port, backlog, null);
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
                return bound(port, backlog, ifAddress);
            }

            private ServerSocket bound(int port, int backlog, InetAddress ifAddress) throws IOException {
                ServerSocket s = new NoDelayServerSocket();
                s.bind(new InetSocketAddress(ifAddress, port), backlog);
                return s;
            }
        };
    }

    private static final class NoDelayServerSocket extends ServerSocket {
        NoDelayServerSocket() throws IOException {
            super();
        }

        @Override
        public Socket accept() throws IOException {
            Socket s = super.accept();
            s.setTcpNoDelay(true);
            return s;
        }
    }
}
