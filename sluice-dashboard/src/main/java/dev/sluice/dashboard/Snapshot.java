package dev.sluice.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One dashboard snapshot, product-neutral: what the page at {@code /} shows, built by the product
 * and sent as JSON on {@link DashboardService#EVENTS}. The page renders it generically:
 *
 * <pre>{@code
 * {"title": "Sluice tunnel",                       // the page's heading and title
 *  "gate": {"open": true, "text": "2 agents ready"}, // optional: a green or red badge (#gate)
 *  "totals": "...",                                  // optional: one line in the header
 *  "links": ["/metrics"],                            // where the same numbers are
 *  "chart": {"title": "...", "note": "...",          // optional: the last two minutes of each
 *            "series": [{"name": "...", "value": 1.5, "tone": 0}]},  // series, drawn by the page
 *  "tables": [{"id": "agents", "title": "...", "note": "...", "rowAttribute": "agent",
 *              "columns": [{"key": "bytes", "label": "bytes", "hint": "...", "bar": false}],
 *              "rows": [{"id": "a1", "others": false,
 *                        "cells": {"bytes": {"value": 12, "text": "12"}}}]}]}
 * }</pre>
 *
 * <p>A table's element id is its {@code id}, each row carries its {@code id} in the attribute
 * {@code data-<rowAttribute>}, each cell has its column's key as class and its number (if any) in
 * {@code data-value}; so tests and scripts can read {@code tr[data-agent='a1'] td.bytes}. A cell is
 * a number with its text, a text, a bar ({@code bar} a fraction 0..1 with a label) or a badge
 * ({@code badge} true for green). A {@code tone} picks a color of the page's palette. Texts are set
 * as text, never parsed as HTML: tenant ids and agent ids come from outside.
 *
 * <p>Not thread-safe: one snapshot is built by one thread.
 */
public final class Snapshot {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final ObjectNode root = JSON.objectNode();
  private final ArrayNode tables;

  /** An empty snapshot of the page titled {@code title}. */
  public Snapshot(String title) {
    root.put("title", title);
    root.putArray("links");
    tables = root.putArray("tables");
  }

  /** The gate badge: green ({@code open}) or red, saying {@code text}. */
  public Snapshot gate(boolean open, String text) {
    ObjectNode gate = root.putObject("gate");
    gate.put("open", open);
    gate.put("text", text);
    return this;
  }

  /** The one line of totals in the header. */
  public Snapshot totals(String text) {
    root.put("totals", text);
    return this;
  }

  /** Adds a link to the footer, to a path on the same server where the same numbers are. */
  public Snapshot link(String path) {
    ((ArrayNode) root.get("links")).add(path);
    return this;
  }

  /** The chart: the page keeps each series' values of the last two minutes and draws them. */
  public Chart chart(String title, String note) {
    ObjectNode chart = root.putObject("chart");
    chart.put("title", title);
    chart.put("note", note);
    return new Chart(chart.putArray("series"));
  }

  /**
   * Adds a table.
   *
   * @param id the table's element id, unique on the page
   * @param rowAttribute the name of the {@code data-} attribute carrying each row's id
   */
  public Table table(String id, String title, String rowAttribute) {
    ObjectNode table = tables.addObject();
    table.put("id", id);
    table.put("title", title);
    table.put("rowAttribute", rowAttribute);
    return new Table(table);
  }

  /** The snapshot as JSON. */
  public String json() {
    return root.toString();
  }

  /** {@code value} with {@code digits} decimals, in the page's (root) locale. */
  public static String format(double value, int digits) {
    return String.format(Locale.ROOT, "%." + digits + "f", value);
  }

  /** The series of a snapshot's chart. */
  public static final class Chart {
    private final ArrayNode series;

    private Chart(ArrayNode series) {
      this.series = series;
    }

    /** Adds a point of the series {@code name}, in color {@code tone}. */
    public Chart series(String name, double value, int tone) {
      ObjectNode s = series.addObject();
      s.put("name", name);
      s.put("value", value);
      s.put("tone", tone);
      return this;
    }
  }

  /** A table of a snapshot: its columns, then its rows. */
  public static final class Table {
    private final ObjectNode table;
    private final ArrayNode columns;
    private final ArrayNode rows;

    private Table(ObjectNode table) {
      this.table = table;
      this.columns = table.putArray("columns");
      this.rows = table.putArray("rows");
    }

    /** A note after the title, in small print. */
    public Table note(String text) {
      table.put("note", text);
      return this;
    }

    /** Adds a column; {@code key} is its cells' class. */
    public Table column(String key, String label) {
      return column(key, label, null, false);
    }

    /** Adds a column with a tooltip on its header. */
    public Table column(String key, String label, String hint) {
      return column(key, label, hint, false);
    }

    /** Adds a wide column of bars. */
    public Table barColumn(String key, String label) {
      return column(key, label, null, true);
    }

    private Table column(String key, String label, @Nullable String hint, boolean bar) {
      ObjectNode column = columns.addObject();
      column.put("key", key);
      column.put("label", label);
      if (hint != null) {
        column.put("hint", hint);
      }
      column.put("bar", bar);
      return this;
    }

    /** Adds a row with the id {@code id}. */
    public Row row(String id) {
      return row(id, false);
    }

    /** Adds the row that sums what the table leaves out (shown in italics). */
    public Row others() {
      return row("others", true);
    }

    private Row row(String id, boolean others) {
      ObjectNode row = rows.addObject();
      row.put("id", id);
      row.put("others", others);
      return new Row(row.putObject("cells"));
    }
  }

  /** A row of a table: one cell per column key; a column without a cell shows empty. */
  public static final class Row {
    private final ObjectNode cells;

    private Row(ObjectNode cells) {
      this.cells = cells;
    }

    /** A whole number. */
    public Row number(String key, long value) {
      return value(key, value, Long.toString(value));
    }

    /** A whole number shown as {@code text}. */
    public Row value(String key, long value, String text) {
      ObjectNode cell = cells.putObject(key);
      cell.put("value", value);
      cell.put("text", text);
      return this;
    }

    /** A number with {@code digits} decimals; null shows as "-". */
    public Row number(String key, @Nullable Double value, int digits) {
      if (value == null || value.isNaN()) {
        cells.putObject(key).put("text", "-");
        return this;
      }
      return value(key, value, format(value, digits));
    }

    /** A number shown as {@code text}. */
    public Row value(String key, double value, String text) {
      ObjectNode cell = cells.putObject(key);
      cell.put("value", value);
      cell.put("text", text);
      return this;
    }

    /** A text. */
    public Row text(String key, String text) {
      cells.putObject(key).put("text", text);
      return this;
    }

    /** A bar filled to {@code fraction} (clamped to 0..1), labelled {@code label}. */
    public Row bar(String key, double fraction, String label, int tone) {
      ObjectNode cell = cells.putObject(key);
      double clamped = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
      cell.put("value", clamped);
      cell.put("bar", clamped);
      cell.put("text", label);
      cell.put("tone", tone);
      return this;
    }

    /** A green ({@code ok}) or red badge saying {@code text}. */
    public Row badge(String key, boolean ok, String text) {
      ObjectNode cell = cells.putObject(key);
      cell.put("value", ok ? 1 : 0);
      cell.put("badge", ok);
      cell.put("text", text);
      return this;
    }
  }
}
