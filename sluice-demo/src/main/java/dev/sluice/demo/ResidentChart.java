package dev.sluice.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws resident bytes over time for the demo's runs, with the watermarks and the hard cap, as a
 * PNG (java.awt, headless). Stateless.
 */
final class ResidentChart {

  private static final int WIDTH = 960;
  private static final int HEIGHT = 480;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;
  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728)};

  private ResidentChart() {}

  /**
   * Writes the chart of {@code runs} to {@code file}, creating its directory.
   *
   * @throws IOException if the file cannot be written
   */
  static void write(Path file, DemoSetup setup, List<RunReport> runs) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      double maxSeconds = setup.phase().toMillis() / 1000.0;
      double maxMib = setup.capBytes() * 1.15 / DemoSetup.MIB;
      Axes axes = new Axes(maxSeconds, maxMib);
      axes.draw(g);
      axes.level(g, setup.capBytes(), "hard cap", Color.BLACK);
      axes.level(g, setup.highBytes(), "high watermark", Color.GRAY);
      axes.level(g, setup.lowBytes(), "low watermark", Color.LIGHT_GRAY);
      for (int i = 0; i < runs.size(); i++) {
        axes.series(g, runs.get(i), COLORS[i % COLORS.length], i);
      }
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.drawString(
          "sluice demo pipeline: resident result bytes over time (thin: resident + reserved)",
          LEFT,
          24);
    } finally {
      g.dispose();
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ImageIO.write(image, "png", file.toFile());
  }

  /** Maps seconds and MiB to pixels. */
  private record Axes(double maxSeconds, double maxMib) {
    int x(double seconds) {
      return LEFT + (int) Math.round(seconds / maxSeconds * (WIDTH - LEFT - RIGHT));
    }

    int y(double mib) {
      return HEIGHT - BOTTOM - (int) Math.round(mib / maxMib * (HEIGHT - TOP - BOTTOM));
    }

    void draw(Graphics2D g) {
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.drawLine(LEFT, y(0), x(maxSeconds), y(0));
      g.drawLine(LEFT, y(0), LEFT, y(maxMib));
      int secondsStep = maxSeconds > 20 ? 5 : maxSeconds > 8 ? 2 : 1;
      for (int s = 0; s <= maxSeconds; s += secondsStep) {
        g.drawLine(x(s), y(0), x(s), y(0) + 4);
        g.drawString(s + " s", x(s) - 8, y(0) + 18);
      }
      int mibStep = maxMib > 40 ? 8 : 4;
      for (int m = 0; m <= maxMib; m += mibStep) {
        g.drawLine(LEFT - 4, y(m), LEFT, y(m));
        g.drawString(m + " MiB", 8, y(m) + 4);
      }
    }

    void level(Graphics2D g, long bytes, String label, Color color) {
      double mib = (double) bytes / DemoSetup.MIB;
      g.setColor(color);
      g.setStroke(
          new BasicStroke(
              1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      g.drawLine(LEFT, y(mib), x(maxSeconds), y(mib));
      g.setStroke(new BasicStroke(1f));
      g.drawString(label, x(maxSeconds) - 100, y(mib) - 4);
    }

    /** Resident plus reserved bytes: what the watermarks watch. */
    Path2D.Double counted(RunReport run) {
      Path2D.Double line = new Path2D.Double();
      boolean first = true;
      for (Sample sample : run.samples()) {
        double px = x(Math.min(sample.seconds(), maxSeconds));
        double py = y((double) (sample.residentBytes() + sample.reservedBytes()) / DemoSetup.MIB);
        if (first) {
          line.moveTo(px, py);
          first = false;
        } else {
          line.lineTo(px, py);
        }
      }
      return line;
    }

    void series(Graphics2D g, RunReport run, Color color, int index) {
      Path2D.Double line = new Path2D.Double();
      boolean first = true;
      for (Sample sample : run.samples()) {
        double px = x(Math.min(sample.seconds(), maxSeconds));
        double py = y((double) sample.residentBytes() / DemoSetup.MIB);
        if (first) {
          line.moveTo(px, py);
          first = false;
        } else {
          line.lineTo(px, py);
        }
      }
      g.setColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 90));
      g.setStroke(new BasicStroke(1f));
      g.draw(counted(run));
      g.setColor(color);
      g.setStroke(new BasicStroke(2f));
      g.draw(line);
      g.setStroke(new BasicStroke(1f));
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.drawString(
          String.format(
              Locale.ROOT,
              "%s: peak %.1f MiB, %d wasted generations",
              run.name(),
              (double) run.status().peakResidentBytes() / DemoSetup.MIB,
              run.wasted()),
          LEFT + 10,
          TOP + 16 + 16 * index);
    }
  }
}
