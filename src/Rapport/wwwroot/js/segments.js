// The segment builder (docs/segments.md, "The segment builder"): a nested rule editor over the field catalogue that
// writes the rule tree as JSON into the form's textarea (Form.Rules) and, 300 ms after each change, posts it to the
// page's Preview handler for the live count, the first matching customers and the errors by rule path. Without
// JavaScript the textarea is the editor and the form still saves.
(function () {
  "use strict";

  var form = document.getElementById("segment-form");
  var host = document.getElementById("rule-editor");
  var dataBlock = document.getElementById("segment-editor-data");
  var textarea = document.getElementById("segment-rules");
  if (!form || !host || !dataBlock || !textarea) {
    return;
  }

  var data = JSON.parse(dataBlock.textContent || "{}");
  var fields = data.fields || [];
  var fieldByKey = {};
  fields.forEach(function (f) {
    fieldByKey[f.key] = f;
  });
  var token = (form.querySelector("input[name='__RequestVerificationToken']") || {}).value || "";
  var previewUrl = form.getAttribute("data-preview-url");
  var preview = document.getElementById("segment-preview");
  var countEl = document.getElementById("preview-count");
  var errorsEl = document.getElementById("preview-errors");
  var sampleEl = document.getElementById("preview-sample");
  var sampleCaption = document.getElementById("preview-sample-caption");
  var details = document.getElementById("rules-json");
  var incompleteEl = document.getElementById("preview-incomplete");

  var OP_LABELS = {
    eq: "is", neq: "is not", "in": "is one of", gt: "more than", gte: "at least", lt: "less than", lte: "at most",
    between: "between", contains: "contains", exists: "has a value"
  };
  var DATE_OPS = { gt: "after", gte: "on or after", lt: "before", lte: "on or before" };
  var MODES = [["all", "all of"], ["any", "any of"], ["none", "none of"]];

  var nextUid = 1;
  var root = null;
  var timer = null;
  var sequence = 0;

  // ---- The model: groups (all / any / none), conditions, "purchased" and "interacted" nodes. ----

  function group(mode, children) {
    return { kind: "group", uid: nextUid++, mode: mode, children: children || [] };
  }

  function fromJson(node) {
    if (node && typeof node === "object" && !Array.isArray(node)) {
      var keys = Object.keys(node);
      if (keys.length === 1 && (keys[0] === "all" || keys[0] === "any") && Array.isArray(node[keys[0]])) {
        return group(keys[0], node[keys[0]].map(fromJson));
      }
      if (keys.length === 1 && keys[0] === "not") {
        var inner = node.not;
        if (inner && typeof inner === "object" && Object.keys(inner).length === 1 && Array.isArray(inner.any)) {
          return group("none", inner.any.map(fromJson));
        }
        return group("none", [fromJson(inner)]);
      }
      if (keys.length === 1 && keys[0] === "purchased" && node.purchased && typeof node.purchased === "object") {
        return Object.assign({ kind: "purchased", uid: nextUid++ }, node.purchased);
      }
      if (keys.length === 1 && keys[0] === "interacted" && node.interacted && typeof node.interacted === "object") {
        return Object.assign({ kind: "interacted", uid: nextUid++ }, node.interacted);
      }
      if (typeof node.field === "string") {
        return { kind: "condition", uid: nextUid++, field: node.field, op: node.op, value: node.value };
      }
    }
    // Anything else is kept as written, so that loading never loses a rule; the server names its mistake.
    return { kind: "raw", uid: nextUid++, json: node };
  }

  function clean(o, names) {
    var out = {};
    names.forEach(function (n) {
      if (o[n] !== undefined && o[n] !== null && o[n] !== "") {
        out[n] = o[n];
      }
    });
    return out;
  }

  // A condition just added whose value was never typed: the preview leaves it out (and says so) rather than answer
  // "Required" before the user had a chance; saving still refuses it.
  function incomplete(node) {
    if (node.kind === "group") {
      // A group left with nothing but such conditions is left out too (an empty "any of" would match no one).
      return node.children.length > 0 && node.children.every(incomplete);
    }
    if (node.kind !== "condition" || !node.pristine || node.op === "exists") {
      return false;
    }
    var v = node.value;
    return v === null || v === undefined || (Array.isArray(v) && v.every(function (x) {
      return x === null || x === undefined;
    }));
  }

  // The JSON of a node; records each node's path (rules.all[2]) to place the server's errors. For the preview,
  // skipped collects the incomplete conditions left out.
  function toJson(node, path, paths, skipped) {
    paths[node.uid] = path;
    if (node.kind === "group") {
      var key = node.mode === "none" ? "any" : node.mode;
      var prefix = node.mode === "none" ? path + ".not.any" : path + "." + key;
      var kept = skipped ? node.children.filter(function (c) {
        if (incomplete(c)) {
          skipped.push(c.uid);
          return false;
        }
        return true;
      }) : node.children;
      var list = kept.map(function (c, i) {
        return toJson(c, prefix + "[" + i + "]", paths, skipped);
      });
      var g = {};
      g[key] = list;
      return node.mode === "none" ? { not: g } : g;
    }
    if (node.kind === "purchased") {
      return { purchased: clean(node, ["category", "sku", "withinDays", "minCount", "minAmount"]) };
    }
    if (node.kind === "interacted") {
      return { interacted: clean(node, ["channel", "type", "direction", "withinDays", "minCount"]) };
    }
    if (node.kind === "condition") {
      var c = { field: node.field, op: node.op };
      if (node.op !== "exists") {
        c.value = node.value === undefined ? null : node.value;
      }
      return c;
    }
    return node.json;
  }

  function find(node, uid, parent) {
    if (node.uid === uid) {
      return { node: node, parent: parent };
    }
    if (node.kind === "group") {
      for (var i = 0; i < node.children.length; i++) {
        var hit = find(node.children[i], uid, node);
        if (hit) {
          return hit;
        }
      }
    }
    return null;
  }

  function defaultOp(field) {
    var preferred = ["eq", "gte", "in", "exists"];
    for (var i = 0; i < preferred.length; i++) {
      if (field.ops.indexOf(preferred[i]) >= 0) {
        return preferred[i];
      }
    }
    return field.ops[0];
  }

  function newCondition() {
    var field = fieldByKey.country || fields[0];
    return { kind: "condition", uid: nextUid++, field: field.key, op: defaultOp(field), value: null, pristine: true };
  }

  // ---- Rendering (DOM built by hand: no HTML strings, so nothing typed is ever markup). ----

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] === null || attrs[k] === undefined || attrs[k] === false) {
        return;
      }
      if (k === "text") {
        e.textContent = attrs[k];
      } else {
        e.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
      }
    });
    (children || []).forEach(function (c) {
      if (c) {
        e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
      }
    });
    return e;
  }

  function labelled(id, label, control, hidden) {
    control.id = id;
    return el("span", { "class": "rule-control" }, [el("label", { "for": id, "class": hidden ? "visually-hidden" : "rule-label", text: label }), control]);
  }

  function select(options, value, attrs) {
    var s = el("select", attrs || {});
    options.forEach(function (o) {
      var opt = el("option", { value: o[0], text: o[1] });
      if (String(o[0]) === String(value === undefined || value === null ? "" : value)) {
        opt.selected = true;
      }
      s.appendChild(opt);
    });
    return s;
  }

  // what: visually hidden words that make the button's name say what it acts on ("Remove condition").
  function button(text, action, uid, extra, what) {
    var b = el("button", { type: "button", "class": "button button-small button-quiet" + (extra ? " " + extra : ""), "data-action": action, "data-uid": uid, text: text });
    if (what) {
      b.appendChild(el("span", { "class": "visually-hidden", text: " " + what }));
    }
    return b;
  }

  function fieldSelect(node) {
    var s = el("select", { "data-uid": node.uid, "data-role": "field" });
    var groups = {};
    var order = [];
    fields.forEach(function (f) {
      if (!groups[f.group]) {
        groups[f.group] = el("optgroup", { label: f.group });
        order.push(f.group);
      }
      var opt = el("option", { value: f.key, text: f.label });
      if (f.key === node.field) {
        opt.selected = true;
      }
      groups[f.group].appendChild(opt);
    });
    if (!fieldByKey[node.field]) {
      s.appendChild(el("option", { value: node.field, text: node.field + " (unknown)", selected: true }));
    }
    order.forEach(function (g) {
      s.appendChild(groups[g]);
    });
    return s;
  }

  function optionsOf(field) {
    if (field.type === "segment") {
      return (data.segments || []).map(function (s) {
        return [String(s.id), s.name];
      });
    }
    if (field.type === "boolean") {
      return [["true", "yes"], ["false", "no"]];
    }
    return (field.options || []).map(function (o) {
      return [o.key, o.label];
    });
  }

  function hasChoices(field) {
    return field.type === "enum" || field.type === "segment" || field.type === "boolean";
  }

  function inputType(field) {
    return field.type === "number" ? "number" : field.type === "date" ? "date" : "text";
  }

  function display(v) {
    return v === undefined || v === null ? "" : String(v);
  }

  function valueControls(node, field) {
    var id = "rule-" + node.uid;
    var op = node.op;
    if (op === "exists") {
      return [];
    }
    if (op === "in" && hasChoices(field)) {
      var chosen = Array.isArray(node.value) ? node.value.map(String) : [];
      var box = el("fieldset", { "class": "rule-choices" }, [el("legend", { "class": "visually-hidden", text: "Values" })]);
      optionsOf(field).forEach(function (o, i) {
        var cb = el("input", { type: "checkbox", id: id + "-in-" + i, value: o[0], "data-uid": node.uid, "data-role": "in-choice" });
        cb.checked = chosen.indexOf(String(o[0])) >= 0;
        box.appendChild(el("label", { "for": id + "-in-" + i, "class": "rule-choice" }, [cb, " " + o[1]]));
      });
      return [box];
    }
    if (op === "in") {
      var text = Array.isArray(node.value) ? node.value.join(", ") : display(node.value);
      return [labelled(id + "-value", "Values, separated by commas", el("input", { type: "text", value: text, "data-uid": node.uid, "data-role": "in-text", "class": "rule-value-wide" }), true)];
    }
    if (op === "between") {
      var pair = Array.isArray(node.value) ? node.value : [null, null];
      return [
        labelled(id + "-low", "From", el("input", { type: inputType(field), step: "any", value: display(pair[0]), "data-uid": node.uid, "data-role": "low" }), true),
        el("span", { "class": "rule-and", text: "and" }),
        labelled(id + "-high", "To", el("input", { type: inputType(field), step: "any", value: display(pair[1]), "data-uid": node.uid, "data-role": "high" }), true)
      ];
    }
    if (hasChoices(field)) {
      var opts = [["", "choose…"]].concat(optionsOf(field));
      return [labelled(id + "-value", "Value", select(opts, node.value, { "data-uid": node.uid, "data-role": "value" }), true)];
    }
    var attrs = { type: inputType(field), value: display(node.value), "data-uid": node.uid, "data-role": "value" };
    if (field.type === "number") {
      attrs.step = "any";
    }
    if (field.type === "tags") {
      attrs.placeholder = "tag";
    }
    return [labelled(id + "-value", "Value", el("input", attrs), true)];
  }

  function errorSlot(node) {
    return el("p", { "class": "rule-error", id: "rule-" + node.uid + "-error", hidden: true });
  }

  function renderCondition(node) {
    var id = "rule-" + node.uid;
    var field = fieldByKey[node.field] || { key: node.field, label: node.field, type: "string", ops: [node.op], options: null };
    var ops = field.ops.map(function (o) {
      return [o, field.type === "date" && DATE_OPS[o] ? DATE_OPS[o] : OP_LABELS[o] || o];
    });
    var row = el("div", { "class": "rule-row" }, [
      labelled(id + "-field", "Field", fieldSelect(node), true),
      labelled(id + "-op", "Operator", select(ops, node.op, { "data-uid": node.uid, "data-role": "op" }), true)
    ].concat(valueControls(node, field)).concat([button("Remove", "remove", node.uid, "rule-remove", "condition")]));
    return el("li", { "class": "rule-node rule-condition", "data-uid": node.uid }, [row, errorSlot(node)]);
  }

  function numberInput(node, name, label, min) {
    var id = "rule-" + node.uid + "-" + name;
    return labelled(id, label, el("input", { type: "number", min: min, step: name === "minAmount" ? "any" : "1", value: display(node[name]), "data-uid": node.uid, "data-role": "prop", "data-prop": name, "data-number": "true", "class": "rule-number" }));
  }

  function renderPurchased(node) {
    var id = "rule-" + node.uid;
    var category = el("input", { type: "text", value: display(node.category), "data-uid": node.uid, "data-role": "prop", "data-prop": "category", list: "segment-categories" });
    var sku = el("input", { type: "text", value: display(node.sku), "data-uid": node.uid, "data-role": "prop", "data-prop": "sku", "class": "rule-sku" });
    var set = el("fieldset", { "class": "rule-purchased" }, [
      el("legend", { text: "Purchased" }),
      el("div", { "class": "rule-row" }, [
        labelled(id + "-category", "Category", category),
        labelled(id + "-sku", "SKU", sku),
        numberInput(node, "withinDays", "Within days", "1"),
        numberInput(node, "minCount", "At least times", "1"),
        numberInput(node, "minAmount", "For at least", "0"),
        button("Remove", "remove", node.uid, "rule-remove", "“purchased”")
      ])
    ]);
    return el("li", { "class": "rule-node", "data-uid": node.uid }, [set, errorSlot(node)]);
  }

  function renderInteracted(node) {
    var id = "rule-" + node.uid;
    function choice(name, label, list) {
      var opts = [["", "any"]].concat((list || []).map(function (o) {
        return [o.key, o.label];
      }));
      return labelled(id + "-" + name, label, select(opts, node[name], { "data-uid": node.uid, "data-role": "prop", "data-prop": name }));
    }
    var set = el("fieldset", { "class": "rule-interacted" }, [
      el("legend", { text: "Interacted" }),
      el("div", { "class": "rule-row" }, [
        choice("channel", "Channel", data.channels),
        choice("type", "Type", data.types),
        choice("direction", "Direction", data.directions),
        numberInput(node, "withinDays", "Within days", "1"),
        numberInput(node, "minCount", "At least times", "1"),
        button("Remove", "remove", node.uid, "rule-remove", "“interacted”")
      ])
    ]);
    return el("li", { "class": "rule-node", "data-uid": node.uid }, [set, errorSlot(node)]);
  }

  function renderRaw(node) {
    return el("li", { "class": "rule-node rule-raw", "data-uid": node.uid }, [
      el("div", { "class": "rule-row" }, [el("code", { text: JSON.stringify(node.json) }), button("Remove", "remove", node.uid, "rule-remove", "rule")]),
      errorSlot(node)
    ]);
  }

  function renderGroup(node, isRoot) {
    var id = "rule-" + node.uid;
    var list = el("ul", { "class": "rule-children" });
    node.children.forEach(function (c) {
      list.appendChild(render(c, false));
    });
    if (node.children.length === 0) {
      list.appendChild(el("li", { "class": "rule-empty muted", text: node.mode === "any" ? "No conditions yet: this group matches no one." : "No conditions yet: this group matches everyone." }));
    }
    var set = el("fieldset", { "class": "rule-group rule-group-" + node.mode + (isRoot ? " rule-root" : "") }, [
      el("legend", { text: isRoot ? "Customers who match" : "Group" }),
      el("div", { "class": "rule-group-head" }, [
        labelled(id + "-mode", "Match", select(MODES, node.mode, { "data-uid": node.uid, "data-role": "mode" })),
        el("span", { "class": "muted", text: "of the following" }),
        isRoot ? null : button("Remove group", "remove", node.uid, "rule-remove")
      ]),
      list,
      el("div", { "class": "rule-actions" }, [
        button("Add condition", "add-condition", node.uid),
        button("Add “purchased”", "add-purchased", node.uid),
        button("Add “interacted”", "add-interacted", node.uid),
        button("Add group", "add-group", node.uid)
      ]),
      errorSlot(node)
    ]);
    return isRoot ? set : el("li", { "class": "rule-node", "data-uid": node.uid }, [set]);
  }

  function render(node, isRoot) {
    switch (node.kind) {
      case "group":
        return renderGroup(node, isRoot);
      case "purchased":
        return renderPurchased(node);
      case "interacted":
        return renderInteracted(node);
      case "condition":
        return renderCondition(node);
      default:
        return renderRaw(node);
    }
  }

  function redraw(focusId) {
    host.replaceChildren(render(root, true));
    if (focusId) {
      var target = document.getElementById(focusId);
      if (target) {
        target.focus();
      }
    }
  }

  // ---- Reading the controls back into the model. ----

  function typed(field, text) {
    if (text === "" || text === null || text === undefined) {
      return null;
    }
    if (field.type === "number" || field.type === "segment") {
      var n = Number(text);
      return isNaN(n) ? text : n;
    }
    if (field.type === "boolean") {
      return text === "true";
    }
    if (field.type === "reference" && /^\d+$/.test(text.trim())) {
      return Number(text.trim());
    }
    return text;
  }

  function onInput(e) {
    var t = e.target;
    var uid = Number(t.getAttribute("data-uid"));
    var role = t.getAttribute("data-role");
    if (!uid || !role) {
      return;
    }
    var hit = find(root, uid, null);
    if (!hit) {
      return;
    }
    var node = hit.node;
    var field = fieldByKey[node.field] || { type: "string" };
    var structural = false;
    if (role !== "mode" && role !== "field" && role !== "op") {
      node.pristine = false;
    }
    switch (role) {
      case "mode":
        node.mode = t.value;
        structural = true;
        break;
      case "field":
        var f = fieldByKey[t.value];
        node.field = t.value;
        node.op = f ? defaultOp(f) : node.op;
        node.value = null;
        structural = true;
        break;
      case "op":
        var wasList = node.op === "in" || node.op === "between";
        node.op = t.value;
        var isList = node.op === "in" || node.op === "between";
        if (node.op === "exists" || wasList !== isList) {
          node.value = node.op === "in" && node.value !== null && !Array.isArray(node.value) ? [node.value] : null;
        }
        structural = true;
        break;
      case "value":
        node.value = typed(field, t.value);
        break;
      case "low":
      case "high":
        var pair = Array.isArray(node.value) ? node.value.slice(0, 2) : [null, null];
        pair[role === "low" ? 0 : 1] = typed(field, t.value);
        node.value = pair;
        break;
      case "in-text":
        var parts = t.value.split(",").map(function (p) {
          return p.trim();
        }).filter(function (p) {
          return p.length > 0;
        });
        node.value = parts.map(function (p) {
          return typed(field, p);
        });
        break;
      case "in-choice":
        var checked = Array.prototype.slice.call(host.querySelectorAll("input[data-role='in-choice'][data-uid='" + uid + "']:checked"));
        node.value = checked.map(function (c) {
          return typed(field, c.value);
        });
        break;
      case "prop":
        var name = t.getAttribute("data-prop");
        if (t.getAttribute("data-number") === "true") {
          node[name] = t.value === "" ? null : Number(t.value);
        } else {
          node[name] = t.value.trim() === "" ? null : t.value.trim();
        }
        break;
      default:
        return;
    }
    if (structural) {
      redraw(t.id);
    }
    changed();
  }

  function onClick(e) {
    var b = e.target.closest && e.target.closest("button[data-action]");
    if (!b || !host.contains(b)) {
      return;
    }
    var uid = Number(b.getAttribute("data-uid"));
    var hit = find(root, uid, null);
    if (!hit) {
      return;
    }
    var action = b.getAttribute("data-action");
    var focus = null;
    if (action === "remove" && hit.parent) {
      var index = hit.parent.children.indexOf(hit.node);
      hit.parent.children.splice(index, 1);
      focus = "rule-" + hit.parent.uid + "-mode";
    } else {
      var added = action === "add-condition" ? newCondition()
        : action === "add-purchased" ? { kind: "purchased", uid: nextUid++ }
          : action === "add-interacted" ? { kind: "interacted", uid: nextUid++ }
            : action === "add-group" ? group("any", [newCondition()]) : null;
      if (!added) {
        return;
      }
      hit.node.children.push(added);
      focus = added.kind === "condition" ? "rule-" + added.uid + "-field"
        : added.kind === "purchased" ? "rule-" + added.uid + "-category"
          : added.kind === "interacted" ? "rule-" + added.uid + "-channel" : "rule-" + added.uid + "-mode";
    }
    redraw(focus);
    changed();
  }

  // ---- The JSON, the preview and the errors. ----

  function write() {
    var json = toJson(root, "rules", {}, null);
    textarea.value = JSON.stringify(json, null, 2);
    return textarea.value;
  }

  function changed() {
    write();
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(runPreview, 300);
  }

  function showErrors(errors, paths) {
    host.querySelectorAll(".rule-error").forEach(function (p) {
      p.hidden = true;
      p.textContent = "";
    });
    host.querySelectorAll("[aria-invalid]").forEach(function (c) {
      c.removeAttribute("aria-invalid");
      c.removeAttribute("aria-describedby");
    });
    host.querySelectorAll(".rule-node.has-error, .rule-group.has-error").forEach(function (n) {
      n.classList.remove("has-error");
    });
    errorsEl.replaceChildren();
    var uidsByPath = Object.keys(paths).map(function (uid) {
      return [paths[uid], Number(uid)];
    }).sort(function (a, b) {
      return b[0].length - a[0].length;
    });
    Object.keys(errors || {}).forEach(function (path) {
      var messages = errors[path];
      var target = null;
      for (var i = 0; i < uidsByPath.length; i++) {
        var p = uidsByPath[i][0];
        if (path === p || path.indexOf(p + ".") === 0 || path.indexOf(p + "[") === 0) {
          target = uidsByPath[i][1];
          break;
        }
      }
      var slot = target ? document.getElementById("rule-" + target + "-error") : null;
      if (slot && !host.hidden) {
        slot.hidden = false;
        slot.textContent = (slot.textContent ? slot.textContent + " " : "") + messages.join(" ");
        var item = slot.parentElement;
        item.classList.add("has-error");
        var controls = item.querySelectorAll("[data-uid='" + target + "']:not(button)");
        controls.forEach(function (c) {
          c.setAttribute("aria-invalid", "true");
          c.setAttribute("aria-describedby", slot.id);
        });
      }
      messages.forEach(function (m) {
        errorsEl.appendChild(el("li", { text: m }));
      });
    });
  }

  function showSample(sample) {
    sampleEl.replaceChildren();
    (sample || []).forEach(function (s) {
      var place = [s.city, s.country].filter(function (x) {
        return x;
      }).join(", ");
      sampleEl.appendChild(el("li", {}, [
        el("a", { href: "/customers/" + encodeURIComponent(s.id), text: s.name }),
        place ? el("span", { "class": "muted", text: " · " + place }) : null
      ]));
    });
    sampleCaption.hidden = !sample || sample.length === 0;
  }

  function runPreview() {
    // A newer preview wins: older answers are ignored when they arrive (not aborted, which browsers report as failures).
    var mine = ++sequence;
    var paths = {};
    var skipped = [];
    var rules = JSON.stringify(toJson(root, "rules", paths, skipped));
    preview.classList.add("is-loading");
    var body = new URLSearchParams();
    body.set("rules", rules);
    fetch(previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "RequestVerificationToken": token, "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    }).then(function (response) {
      return response.json().catch(function () {
        return { errors: { rules: ["The preview failed (" + response.status + ")."] } };
      });
    }).then(function (result) {
      if (mine !== sequence) {
        return;
      }
      preview.classList.remove("is-loading");
      incompleteEl.hidden = skipped.length === 0;
      incompleteEl.textContent = skipped.length === 1 ? "1 item without a value is not counted yet."
        : skipped.length + " items without a value are not counted yet.";
      if (result.errors) {
        countEl.textContent = "Fix the rules to see who matches.";
        countEl.removeAttribute("data-count");
        showSample([]);
        showErrors(result.errors, paths);
        return;
      }
      showErrors({}, paths);
      countEl.replaceChildren(el("strong", { text: result.count.toLocaleString("en-US") }), result.count === 1 ? " customer matches" : " customers match");
      countEl.setAttribute("data-count", String(result.count));
      showSample(result.sample);
    }).catch(function () {
      if (mine === sequence) {
        preview.classList.remove("is-loading");
        countEl.textContent = "The preview could not be reached; the rules can still be saved.";
      }
    });
  }

  // ---- Loading: from the textarea (the stored rules, or what was posted), and again when it is edited by hand. ----

  function load() {
    var parsed;
    try {
      parsed = JSON.parse(textarea.value || "{\"all\":[]}");
    } catch (e) {
      return false;
    }
    root = fromJson(parsed);
    if (root.kind !== "group") {
      root = group("all", [root]);
    }
    redraw(null);
    write();
    return true;
  }

  // Selects and checkboxes are read on change (a select may redraw the editor), what is typed on input.
  function byChange(t) {
    return t.tagName === "SELECT" || t.type === "checkbox";
  }

  var started = false;

  function start() {
    started = true;
    if (data.categories && data.categories.length) {
      var list = el("datalist", { id: "segment-categories" });
      data.categories.forEach(function (c) {
        list.appendChild(el("option", { value: c }));
      });
      form.appendChild(list);
    }
    host.hidden = false;
    preview.hidden = false;
    if (details && !(data.errors && Object.keys(data.errors).length)) {
      details.open = false;
    }
    host.addEventListener("input", function (e) {
      if (!byChange(e.target)) {
        onInput(e);
      }
    });
    host.addEventListener("change", function (e) {
      if (byChange(e.target)) {
        onInput(e);
      }
    });
    host.addEventListener("click", onClick);
    var loadedPaths = {};
    toJson(root, "rules", loadedPaths, null);
    showErrors(data.errors || {}, loadedPaths);
    runPreview();
  }

  // Editing the JSON by hand reloads the editor when the text parses. Text that is not JSON (a refused save shows
  // it as typed) leaves the text box as the only editor until it parses.
  textarea.addEventListener("change", function () {
    if (load()) {
      if (started) {
        schedule();
      } else {
        start();
      }
    } else if (started) {
      sequence++;
      countEl.textContent = "The rules as JSON are not valid JSON; fix them to see who matches.";
      countEl.removeAttribute("data-count");
      showSample([]);
    }
  });

  if (load()) {
    start();
  }
})();
