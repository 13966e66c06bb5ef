package dev.sluice.tunnel;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * The local end of a proxied connection, as its {@link Pipe} reads and writes it with blocking
 * calls on its own reader and writer threads: a TCP socket (CONNECT client, destination) or a gRPC
 * frontend stream.
 */
interface Endpoint {

  /** Reads into {@code buffer}; the byte count, or -1 at the end. Blocks. */
  int read(byte[] buffer) throws IOException;

  /** Writes all of {@code bytes}. Blocks while the other side is not taking them. */
  void write(ByteString bytes) throws IOException;

  /** Ends the endpoint; unblocks a pending read or write. Idempotent. */
  void close();

  /** A TCP socket. */
  static Endpoint of(Socket socket) {
    return new Endpoint() {
      @Override
      public int read(byte[] buffer) throws IOException {
        InputStream in = socket.getInputStream();
        return in.read(buffer);
      }

      @Override
      public void write(ByteString bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        bytes.writeTo(out);
      }

      @Override
      public void close() {
        try {
          socket.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    };
  }
}
