// Rapport pages: small progressive enhancements on top of server-rendered HTML and htmx.
// No inline scripts anywhere (the Content-Security-Policy forbids them): data comes from data-* attributes
// and <script type="application/json"> blocks.
(function () {
  "use strict";

  function flash(message, kind) {
    var region = document.getElementById("flash");
    if (!region) {
      return;
    }
    var box = document.createElement("div");
    box.className = "alert alert-" + (kind || "danger");
    box.textContent = message;
    region.replaceChildren(box);
    window.setTimeout(function () {
      if (box.parentNode === region) {
        region.removeChild(box);
      }
    }, 8000);
  }

  function describeFailure(status) {
    switch (status) {
      case 400:
        return "The request was refused. Reload the page and try again.";
      case 401:
        return "Your session has ended. Reload the page to sign in again.";
      case 403:
        return "You are not allowed to do that.";
      case 404:
        return "That record no longer exists. Reload the page.";
      case 413:
        return "That is too much text to save at once.";
      case 429:
        return "Too many requests. Wait a moment and try again.";
      default:
        return "Something went wrong on our side. Try again in a moment.";
    }
  }

  document.addEventListener("htmx:responseError", function (event) {
    flash(describeFailure(event.detail.xhr.status), "danger");
  });

  document.addEventListener("htmx:sendError", function () {
    flash("The server could not be reached. Check your connection and try again.", "danger");
  });

  // Full-page forms that destroy something ask first. (htmx requests use hx-confirm instead.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // "Copy" buttons next to secrets shown once.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      window.setTimeout(function () {
        button.textContent = label;
      }, 2000);
    });
  });

  // A form that appends to a list resets itself after a successful request.
  // Plan: "Print / save as PDF" (/plan/print); the CSP forbids onclick.
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (event.detail.successful && form.matches && form.matches("form[data-reset-on-success]")) {
      form.reset();
      var errors = form.querySelectorAll(".field-error");
      errors.forEach(function (e) {
        e.remove();
      });
    }
  });

  // Inline edit: after a field is swapped (edit form, saved value, cancel), keep the keyboard focus in that field:
  // on its first control, which is the input while editing and the Edit button otherwise.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    var id = target && target.id;
    if (!id || id.indexOf("field-") !== 0) {
      return;
    }
    var field = document.getElementById(id);
    var control = field && field.querySelector("input:not([type=hidden]), select, textarea, button");
    if (control) {
      control.focus();
      // Typing continues after the current value, as when one clicks into a field.
      try {
        if (typeof control.value === "string" && control.setSelectionRange) {
          control.setSelectionRange(control.value.length, control.value.length);
        }
      } catch (e) {
        // Inputs such as email and date do not support a selection; the focus is enough.
      }
    }
  });

  // Escape cancels an inline edit.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) {
      return;
    }
    var form = event.target.closest("form.inline-edit");
    var cancel = form && form.querySelector("button[type=button][hx-get]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  // Sales chart on the dashboard: bars for revenue (left axis), a line for orders (right axis).
  function drawSalesChart(canvas) {
    if (typeof window.Chart === "undefined") {
      return;
    }
    var data = readJson(canvas.getAttribute("data-chart-source"));
    if (!data) {
      return;
    }
    var currency = data.currency;
    var money = new Intl.NumberFormat(undefined, { style: "currency", currency: currency, maximumFractionDigits: 0 });
    var whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
    var dayLabel = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
    var labels = data.days.map(function (d) {
      return dayLabel.format(new Date(d + "T00:00:00Z"));
    });
    var accent = cssVar("--accent") || "#1f5fbf";
    var success = cssVar("--success") || "#1f7a4d";
    var grid = cssVar("--border") || "#dde1e7";
    var text = cssVar("--text-muted") || "#5b6474";

    new window.Chart(canvas, {
      data: {
        labels: labels,
        datasets: [
          {
            type: "bar",
            label: "Revenue (" + currency + ")",
            data: data.revenue,
            backgroundColor: accent,
            borderRadius: 2,
            yAxisID: "revenue",
            order: 2
          },
          {
            type: "line",
            label: "Orders",
            data: data.orders,
            borderColor: success,
            backgroundColor: success,
            borderWidth: 2,
            pointRadius: 0,
            pointHitRadius: 6,
            tension: 0.25,
            yAxisID: "orders",
            order: 1
          }
        ]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { labels: { color: text, boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.yAxisID === "revenue"
                  ? "Revenue: " + money.format(ctx.parsed.y)
                  : "Orders: " + whole.format(ctx.parsed.y);
              }
            }
          }
        },
        scales: {
          x: { grid: { display: false }, ticks: { color: text, maxRotation: 0, autoSkipPadding: 12 } },
          revenue: {
            position: "left",
            beginAtZero: true,
            grid: { color: grid },
            ticks: {
              color: text,
              callback: function (v) {
                return money.format(v);
              }
            }
          },
          orders: {
            position: "right",
            beginAtZero: true,
            grid: { display: false },
            ticks: { color: text, precision: 0 }
          }
        }
      }
    });
  }

  // Analytics charts (data-chart="series"): one drawer for lines and bars, described by a JSON block:
  // { kind: "line"|"bar", labels?: [...], horizontal?: bool, sparkline?: bool,
  //   x?: { type?: "linear", format?: "percent", title? }, y: { format: "percent"|"money"|"number", currency?, title? }, y2?: {...},
  //   datasets: [{ label, data: [number|null|{x,y}], color?: "accent"|"success"|"danger"|"warning"|"muted", kind?, dashed?, axis?: "y2" }] }
  function formatter(axis) {
    var format = (axis && axis.format) || "number";
    if (format === "percent") {
      var pct = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
      return function (v) {
        return v === null || v === undefined ? "—" : pct.format(v);
      };
    }
    if (format === "money" && axis.currency) {
      var money = new Intl.NumberFormat(undefined, { style: "currency", currency: axis.currency, maximumFractionDigits: 2 });
      var large = new Intl.NumberFormat(undefined, { style: "currency", currency: axis.currency, notation: "compact", maximumFractionDigits: 1 });
      return function (v) {
        if (v === null || v === undefined) {
          return "—";
        }
        return Math.abs(v) >= 10000 ? large.format(v) : money.format(v);
      };
    }
    var number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
    return function (v) {
      return v === null || v === undefined ? "—" : number.format(v);
    };
  }

  function drawSeriesChart(canvas) {
    if (typeof window.Chart === "undefined") {
      return;
    }
    var spec = readJson(canvas.getAttribute("data-chart-source"));
    if (!spec) {
      return;
    }
    var colours = {
      accent: cssVar("--accent") || "#1f5fbf",
      success: cssVar("--success") || "#1f7a4d",
      danger: cssVar("--danger") || "#b42318",
      warning: "#c98a00",
      muted: cssVar("--border-strong") || "#c3c9d2"
    };
    var grid = cssVar("--border") || "#dde1e7";
    var text = cssVar("--text-muted") || "#5b6474";
    var yFormat = formatter(spec.y);
    var y2Format = spec.y2 ? formatter(spec.y2) : null;
    var xFormat = spec.x && spec.x.format ? formatter(spec.x) : null;
    var linearX = spec.x && spec.x.type === "linear";
    var horizontal = !!spec.horizontal;
    var spark = !!spec.sparkline;

    var datasets = spec.datasets.map(function (d) {
      var colour = colours[d.color || "accent"] || colours.accent;
      var kind = d.kind || spec.kind || "line";
      return {
        type: kind,
        label: d.label,
        data: d.data,
        borderColor: colour,
        backgroundColor: colour,
        borderWidth: kind === "line" ? 2 : 0,
        borderDash: d.dashed ? [6, 4] : undefined,
        pointRadius: 0,
        pointHitRadius: 6,
        spanGaps: false,
        tension: 0.2,
        borderRadius: kind === "bar" ? 2 : 0,
        yAxisID: horizontal ? undefined : d.axis === "y2" ? "y2" : "y",
        xAxisID: horizontal ? "x" : undefined
      };
    });

    var valueAxis = {
      beginAtZero: true,
      grid: { color: grid, display: !spark },
      display: !spark,
      title: spec.y && spec.y.title ? { display: true, text: spec.y.title, color: text } : undefined,
      ticks: { color: text, callback: function (v) { return yFormat(v); } }
    };
    var categoryAxis = {
      type: linearX ? "linear" : "category",
      min: linearX ? 0 : undefined,
      max: linearX && spec.x.format === "percent" ? 1 : undefined,
      grid: { display: linearX && !spark, color: grid },
      display: !spark,
      title: spec.x && spec.x.title ? { display: true, text: spec.x.title, color: text } : undefined,
      ticks: {
        color: text,
        maxRotation: 0,
        autoSkipPadding: 12,
        callback: xFormat
          ? function (v) { return xFormat(v); }
          : function (v) { return this.getLabelForValue(v); }
      }
    };
    var scales = horizontal ? { x: valueAxis, y: { grid: { display: false }, ticks: { color: text, autoSkip: false } } } : { x: categoryAxis, y: valueAxis };
    if (spec.y2 && !horizontal) {
      scales.y2 = {
        position: "right",
        beginAtZero: true,
        grid: { display: false },
        title: spec.y2.title ? { display: true, text: spec.y2.title, color: text } : undefined,
        ticks: { color: text, callback: function (v) { return y2Format(v); } }
      };
    }

    new window.Chart(canvas, {
      type: spec.kind || "line",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? "y" : "x",
        interaction: linearX ? { mode: "nearest", intersect: false } : { mode: "index", intersect: false },
        plugins: {
          legend: { display: !spark && datasets.length > 1, labels: { color: text, boxWidth: 12 } },
          tooltip: {
            enabled: !spark,
            callbacks: {
              title: xFormat
                ? function (items) { return items.length ? xFormat(items[0].parsed.x) : ""; }
                : undefined,
              label: function (ctx) {
                var value = horizontal ? ctx.parsed.x : ctx.parsed.y;
                var format = ctx.dataset.yAxisID === "y2" ? y2Format : yFormat;
                return ctx.dataset.label + ": " + format(value);
              }
            }
          }
        },
        scales: scales
      }
    });
  }

  function drawCharts(root) {
    root.querySelectorAll("canvas[data-chart='sales']").forEach(function (canvas) {
      if (!canvas.hasAttribute("data-drawn")) {
        canvas.setAttribute("data-drawn", "");
        drawSalesChart(canvas);
      }
    });
    root.querySelectorAll("canvas[data-chart='series']").forEach(function (canvas) {
      if (!canvas.hasAttribute("data-drawn")) {
        canvas.setAttribute("data-drawn", "");
        drawSeriesChart(canvas);
      }
    });
  }

  // Charts in the page itself, and charts that arrive later through htmx (the dashboard loads its sales after the page).
  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
  });
  document.addEventListener("htmx:load", function (event) {
    drawCharts(event.detail.elt.parentElement || document);
  });
})();
