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

  function drawCharts(root) {
    root.querySelectorAll("canvas[data-chart='sales']").forEach(function (canvas) {
      if (!canvas.hasAttribute("data-drawn")) {
        canvas.setAttribute("data-drawn", "");
        drawSalesChart(canvas);
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
