// Highlight's own script: progressive, the pages work without it.
//
// A table wider than the screen scrolls in its own box (.table-responsive) instead of
// pushing the page sideways. Such a box gets a tab stop and a name, so that it can be
// scrolled from the keyboard and a screen reader says what it holds (WCAG 2.1.1); a box
// that fits gets neither, so a desktop keeps one tab stop fewer per table.
(function () {
  "use strict";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var section = box.closest("section, .card");
    var heading = section && section.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : "Table";
  }

  function update() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box) + " (scrolls sideways)");
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("resize", update);
  document.addEventListener("htmx:afterSettle", update); // the documents table refreshes
})();

// What someone types in a report is kept in this browser (localStorage) until it is saved,
// so a session that ends while they type (issue 18) loses nothing: after signing in again
// the page offers it back. A form opts in with data-keep-draft="<key>", a key naming the
// person (anyone else signing in on the same browser finds nothing of it: it is deleted)
// and ending in ":v<version>", which changes once the report is saved; a draft of an
// earlier version (a colleague saved meanwhile) is offered with a warning. Drafts older
// than KEPT_DAYS go.
// Signing out on purpose (a form marked data-clear-drafts="<person>") forgets their drafts.
(function () {
  "use strict";
  var PREFIX = "highlight-draft:";
  var KEPT_DAYS = 7;

  function store() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage switched off: the page works as before
    }
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !/^(hidden|submit|button|file|password|reset)$/.test(el.type);
    });
  }

  function valuesOf(form) {
    var values = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox") values[el.name] = el.checked;
      else if (el.type === "radio") { if (el.checked) values[el.name] = el.value; }
      else if (el.multiple) values[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
      else values[el.name] = el.value;
    });
    return values;
  }

  function putBack(form, values) {
    fields(form).forEach(function (el) {
      if (!(el.name in values)) return;
      var value = values[el.name];
      if (el.type === "checkbox") el.checked = !!value;
      else if (el.type === "radio") el.checked = el.value === value;
      else if (el.multiple) Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) >= 0; });
      else el.value = value;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function offer(form, keys, draft, storage, older) {
    var box = document.createElement("div");
    box.className = "alert alert-warning d-flex flex-wrap align-items-center gap-2";
    box.setAttribute("role", "status");
    box.setAttribute("data-draft-offer", "");
    var text = document.createElement("span");
    var at = new Date(draft.saved);
    text.textContent = "This browser kept what you typed here at " +
      at.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }) + " on " +
      at.toLocaleDateString("en-GB") + ", which was not saved." +
      (older ? " The report has been saved since: check what you put back against it." : "");
    var back = document.createElement("button");
    back.type = "button";
    back.className = "btn btn-sm btn-primary";
    back.textContent = "Put it back";
    var drop = document.createElement("button");
    drop.type = "button";
    drop.className = "btn btn-sm btn-outline-secondary";
    drop.textContent = "Discard it";
    back.addEventListener("click", function () {
      putBack(form, draft.values); // kept again under this version's key, as it changes
      keys.forEach(function (key) { if (key !== form._draftKey) storage.removeItem(key); });
      box.remove();
    });
    drop.addEventListener("click", function () {
      keys.forEach(function (key) { storage.removeItem(key); });
      box.remove();
    });
    box.append(text, back, drop);
    form.parentNode.insertBefore(box, form);
  }

  function read(storage, key) {
    try {
      var draft = JSON.parse(storage.getItem(key) || "null");
      return draft && draft.values ? draft : null;
    } catch (e) {
      storage.removeItem(key);
      return null;
    }
  }

  function keep(form, storage) {
    var key = PREFIX + form.getAttribute("data-keep-draft");
    form._draftKey = key;
    var family = key.replace(/:[^:]*$/, ":"); // this report and person, any version
    var keys = [];
    for (var i = 0; i < storage.length; i++) {
      var other = storage.key(i);
      if (other && other.indexOf(family) === 0) keys.push(other);
    }
    var initial = JSON.stringify(valuesOf(form));
    // This version's draft; else the newest of an earlier one (a colleague saved meanwhile).
    var draft = read(storage, key), older = false;
    if (!draft) {
      keys.forEach(function (other) {
        var found = read(storage, other);
        if (found && (!draft || found.saved > draft.saved)) { draft = found; older = true; }
      });
    }
    if (draft && JSON.stringify(draft.values) !== initial) offer(form, keys, draft, storage, older);
    var timer = null;
    function save() {
      var now = valuesOf(form);
      if (JSON.stringify(now) === initial) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify({ saved: Date.now(), values: now }));
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(save, 400);
    });
    form.addEventListener("change", save);
  }

  // On a shared computer, the next person to sign in must not find what the last one typed
  // (nor its traces in the browser's storage); and nothing is kept for ever.
  function forgetOthers(storage, person) {
    var mine = "-by-" + person + ":";
    var oldest = Date.now() - KEPT_DAYS * 24 * 3600 * 1000;
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (!key || key.indexOf(PREFIX) !== 0) continue;
      var draft = read(storage, key);
      if (key.indexOf(mine) < 0 || !draft || draft.saved < oldest) storage.removeItem(key);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var storage = store();
    if (!storage) return;
    var person = document.body.getAttribute("data-person");
    if (person) forgetOthers(storage, person);
    document.querySelectorAll("form[data-keep-draft]").forEach(function (form) {
      keep(form, storage);
    });
    document.querySelectorAll("form[data-clear-drafts]").forEach(function (form) {
      var mine = "-by-" + form.getAttribute("data-clear-drafts") + ":";
      form.addEventListener("submit", function () {
        for (var i = storage.length - 1; i >= 0; i--) {
          var key = storage.key(i);
          if (key && key.indexOf(PREFIX) === 0 && key.indexOf(mine) > 0) storage.removeItem(key);
        }
      });
    });
  });
})();
