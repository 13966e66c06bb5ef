package dev.sluice.gateway.internal.admin;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.sluice.flow.FlowController;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.internal.dashboard.Dashboard;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * The admin listener: the {@link AdminService} endpoints and the live {@link Dashboard}, on the
 * configured admin address, stopped at once at shutdown (nothing on it needs draining). Stateless.
 */
public final class AdminServer {

  private AdminServer() {}

  /** The admin listener {@code admin} asks for, or {@code null} if its port is -1 (disabled). */
  public static @Nullable Server build(
      GatewayConfig.Admin admin,
      AdminService service,
      Dashboard dashboard,
      FlowController controller) {
    if (admin.port() < 0) {
      return null;
    }
    ServerBuilder server =
        Server.builder()
            .http(new InetSocketAddress(admin.host(), admin.port()))
            .gracefulShutdownTimeoutMillis(0, 0);
    service.addTo(server);
    dashboard.addTo(server, controller);
    return server.build();
  }
}
