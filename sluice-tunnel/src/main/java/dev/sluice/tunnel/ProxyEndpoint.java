package dev.sluice.tunnel;

import com.google.protobuf.ByteString;
import dev.sluice.tunnel.proto.DialResponse;
import dev.sluice.tunnel.proto.Packet;
import dev.sluice.tunnel.proto.ProxyServiceGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * The gRPC frontend, {@code ProxyService.Proxy}: konnectivity-client's single-use tunnels. The
 * stream's first packet is DIAL_REQ; the server dials through the next agent and answers DIAL_RSP
 * with the frontend's {@code random} (an error text when no agent is connected, the dial failed or
 * timed out). Then DATA relays both ways under the same per-connection credit as the CONNECT
 * frontend; CLOSE_REQ closes, and the stream ends with CLOSE_RSP.
 */
final class ProxyEndpoint extends ProxyServiceGrpc.ProxyServiceImplBase {

  /** Frontend DATA packets buffered before the stream stops being read. */
  private static final int INBOUND_PACKETS = 4;

  private final Executor executor;
  private final Dialer dialer;

  ProxyEndpoint(Executor executor, Dialer dialer) {
    this.executor = executor;
    this.dialer = dialer;
  }

  @Override
  public StreamObserver<Packet> proxy(StreamObserver<Packet> responseObserver) {
    ServerCallStreamObserver<Packet> call = (ServerCallStreamObserver<Packet>) responseObserver;
    call.disableAutoRequest();
    Stream stream = new Stream(call);
    call.setOnReadyHandler(stream::signal);
    call.setOnCancelHandler(stream::close);
    call.request(1);
    return stream;
  }

  /** One frontend stream: the {@link Endpoint} of its single connection. */
  private final class Stream implements StreamObserver<Packet>, Endpoint {
    private final ServerCallStreamObserver<Packet> call;
    private final Object lock = new Object();
    // Guarded by lock.
    private final ArrayDeque<ByteString> inbound = new ArrayDeque<>();
    private boolean dialed;
    private boolean inboundEnded;
    private boolean closed;
    private boolean demandPending;
    private long connectId;

    Stream(ServerCallStreamObserver<Packet> call) {
      this.call = call;
    }

    @Override
    public void onNext(Packet packet) {
      switch (packet.getType()) {
        case DIAL_REQ -> {
          synchronized (lock) {
            if (dialed) {
              return; // single-use: a second dial is ignored, as upstream guards against it
            }
            dialed = true;
          }
          executor.execute(() -> dial(packet));
        }
        case DATA -> {
          boolean more;
          synchronized (lock) {
            inbound.addLast(packet.getData().getData());
            lock.notifyAll();
            more = inbound.size() < INBOUND_PACKETS;
            demandPending = !more;
          }
          if (more) {
            call.request(1);
          }
          return;
        }
        case CLOSE_REQ -> {
          synchronized (lock) {
            inboundEnded = true;
            lock.notifyAll();
          }
        }
        default -> {}
      }
      call.request(1);
    }

    private void dial(Packet packet) {
      long random = packet.getDialRequest().getRandom();
      Dialer.Result dial;
      try {
        dial = dialer.dial(packet.getDialRequest().getAddress(), this);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      Pipe pipe = dial.pipe();
      if (pipe == null) {
        answer(DialResponse.newBuilder().setRandom(random).setError(dial.error()));
        return;
      }
      synchronized (lock) {
        connectId = pipe.connectId;
      }
      send(Packets.dialResponse(random, pipe.connectId, 0, 0));
      pipe.start();
    }

    private void answer(DialResponse.Builder failure) {
      send(
          Packet.newBuilder()
              .setType(dev.sluice.tunnel.proto.PacketType.DIAL_RSP)
              .setDialResponse(failure)
              .build());
      end();
    }

    private void send(Packet packet) {
      synchronized (lock) {
        if (closed || call.isCancelled()) {
          return;
        }
        call.onNext(packet);
      }
    }

    private void end() {
      synchronized (lock) {
        if (closed) {
          return;
        }
        closed = true;
        lock.notifyAll();
        if (!call.isCancelled()) {
          call.onCompleted();
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      close();
    }

    @Override
    public void onCompleted() {
      synchronized (lock) {
        inboundEnded = true;
        lock.notifyAll();
      }
    }

    /** The frontend can take more, or the stream ended: wake a waiting writer. */
    void signal() {
      synchronized (lock) {
        lock.notifyAll();
      }
    }

    // ---- Endpoint: the pipe's reader and writer threads ----

    @Override
    public int read(byte[] buffer) throws IOException {
      int n;
      boolean request;
      synchronized (lock) {
        try {
          while (inbound.isEmpty() && !inboundEnded && !closed) {
            lock.wait();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted");
        }
        if (inbound.isEmpty()) {
          return -1;
        }
        ByteString head = inbound.pollFirst();
        n = Math.min(buffer.length, head.size());
        head.substring(0, n).copyTo(buffer, 0);
        if (n < head.size()) {
          inbound.addFirst(head.substring(n));
        }
        request = demandPending && inbound.size() < INBOUND_PACKETS;
        if (request) {
          demandPending = false;
        }
      }
      if (request) {
        call.request(1);
      }
      return n;
    }

    @Override
    public void write(ByteString bytes) throws IOException {
      synchronized (lock) {
        try {
          while (!call.isReady() && !closed && !call.isCancelled()) {
            lock.wait();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted");
        }
        if (closed || call.isCancelled()) {
          throw new IOException("frontend stream closed");
        }
        call.onNext(Packets.data(connectId, bytes));
      }
    }

    @Override
    public void close() {
      long id;
      synchronized (lock) {
        if (closed) {
          return;
        }
        id = connectId;
      }
      send(Packets.closeResponse(id, ""));
      end();
    }
  }
}
