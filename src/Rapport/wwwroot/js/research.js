// Interviews and focus groups: select a passage of the transcript to code it. The selection fills the coding form's
// start, length and quoted text (the form works without this script: type the quote or the offsets).
(function () {
  "use strict";

  function offsetIn(container, node, offset) {
    var range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function init() {
    var transcript = document.getElementById("transcript");
    var form = document.getElementById("excerpt-form");
    if (!transcript) {
      return;
    }

    // Hovering or focusing an excerpt in the list lights up its words in the transcript.
    document.querySelectorAll("[data-excerpt]").forEach(function (item) {
      var id = item.getAttribute("data-excerpt");
      function light(on) {
        transcript.querySelectorAll("mark.excerpt").forEach(function (mark) {
          var ids = (mark.getAttribute("data-excerpts") || "").split(" ");
          if (ids.indexOf(id) >= 0) {
            mark.classList.toggle("is-active", on);
          }
        });
      }
      item.addEventListener("mouseenter", function () { light(true); });
      item.addEventListener("mouseleave", function () { light(false); });
      item.addEventListener("focusin", function () { light(true); });
      item.addEventListener("focusout", function () { light(false); });
    });

    if (!form) {
      return;
    }

    var start = document.getElementById("excerpt-start");
    var length = document.getElementById("excerpt-length");
    var text = document.getElementById("excerpt-text");

    function take() {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
        return;
      }

      var range = selection.getRangeAt(0);
      if (!transcript.contains(range.startContainer) || !transcript.contains(range.endContainer)) {
        return;
      }

      var from = offsetIn(transcript, range.startContainer, range.startOffset);
      var to = offsetIn(transcript, range.endContainer, range.endOffset);
      if (to <= from) {
        return;
      }

      var words = transcript.textContent.substring(from, to);
      start.value = String(from);
      length.value = String(to - from);
      text.value = words;
    }

    transcript.addEventListener("mouseup", take);
    transcript.addEventListener("keyup", take);
    transcript.addEventListener("touchend", take);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
