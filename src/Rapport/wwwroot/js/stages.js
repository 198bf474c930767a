// The stage board (docs/stages.md): drag a card to another column, or press its "Move…" button, to open the override
// dialog with the customer and the target stage filled in. The dialog's form posts to the page (antiforgery token
// included by Razor); without JavaScript the customer page has the same form.
(function () {
  "use strict";

  var dialog = document.getElementById("stage-override-dialog");
  var board = document.getElementById("stage-board");
  if (!dialog || !board || typeof dialog.showModal !== "function") {
    return;
  }
  var form = dialog.querySelector("form");
  var dragged = null;

  function open(card, stage) {
    form.elements.customerId.value = card.getAttribute("data-customer-id");
    form.elements.stage.value = stage || card.getAttribute("data-stage");
    form.elements.reason.value = "";
    dialog.querySelector("[data-override-name]").textContent = card.getAttribute("data-customer-name");
    dialog.showModal();
    form.elements.reason.focus();
  }

  board.addEventListener("dragstart", function (e) {
    var card = e.target.closest && e.target.closest(".stage-card[draggable='true']");
    if (!card) {
      return;
    }
    dragged = card;
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.getAttribute("data-customer-id"));
    card.classList.add("is-dragging");
  });

  board.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("is-dragging");
    }
    board.querySelectorAll(".stage-column.is-over").forEach(function (c) {
      c.classList.remove("is-over");
    });
  });

  board.addEventListener("dragover", function (e) {
    var column = e.target.closest && e.target.closest(".stage-column");
    if (!dragged || !column) {
      return;
    }
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    column.classList.add("is-over");
  });

  board.addEventListener("dragleave", function (e) {
    var column = e.target.closest && e.target.closest(".stage-column");
    if (column && !column.contains(e.relatedTarget)) {
      column.classList.remove("is-over");
    }
  });

  board.addEventListener("drop", function (e) {
    var column = e.target.closest && e.target.closest(".stage-column");
    if (!dragged || !column) {
      return;
    }
    e.preventDefault();
    column.classList.remove("is-over");
    var stage = column.getAttribute("data-stage");
    var card = dragged;
    dragged = null;
    if (stage !== card.getAttribute("data-stage")) {
      open(card, stage);
    }
  });

  board.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-move]");
    if (button) {
      open(button.closest(".stage-card"), null);
    }
  });

  dialog.querySelector("[data-close]").addEventListener("click", function () {
    dialog.close();
  });
})();
