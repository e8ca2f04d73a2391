/* ΟΠΣΚΕ: small progressive enhancements, no inline script (CSP-friendly). Without JavaScript the
 * pages still work: the header menu wraps below the title and wide tables reflow (opske.css). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("opske-js");

  /* Header menu: collapsed behind «Μενού» on narrow screens (GOV.GR header pattern). */
  function initMenu() {
    var toggle = document.querySelector(".opske-menu-toggle");
    if (!toggle) return;
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!nav) return;
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("opske-header-nav--open", open);
    });
  }

  /* Wide tables scroll inside their own container, which keyboard users can focus and scroll. */
  function labelFor(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var el = table;
    while (el && el !== document.body) {
      var prev = el.previousElementSibling;
      while (prev) {
        if (/^H[1-6]$/.test(prev.tagName)) return prev.textContent.trim();
        prev = prev.previousElementSibling;
      }
      el = el.parentElement;
    }
    return document.body.getAttribute("data-table-label") || "Table";
  }

  function markScrollable(wrapper) {
    var scrolls = wrapper.scrollWidth > wrapper.clientWidth + 1;
    if (scrolls) {
      wrapper.setAttribute("tabindex", "0");
    } else {
      wrapper.removeAttribute("tabindex");
    }
  }

  function wrapTables(scope) {
    var tables = (scope || document).querySelectorAll("main table");
    Array.prototype.forEach.call(tables, function (table) {
      var parent = table.parentElement;
      if (!parent || parent.classList.contains("table-scroll")) return;
      var wrapper = document.createElement("div");
      wrapper.className = "table-scroll";
      wrapper.setAttribute("role", "region");
      wrapper.setAttribute("aria-label", labelFor(table));
      parent.insertBefore(wrapper, table);
      wrapper.appendChild(table);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".table-scroll"), markScrollable);
  }

  /* After an htmx swap that a form asked for (an upload, a step saved), focus would drop to the
   * page body as the focused control was replaced: move it to the region's message instead. */
  function focusAfterSwap(evt) {
    var detail = evt.detail || {};
    // The element that made the request (the upload form), not the swapped-in region.
    var elt = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    if (!elt || !(elt.tagName === "FORM" || (elt.closest && elt.closest("form")))) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var target = detail.target;
    if (target && !document.contains(target) && target.id) target = document.getElementById(target.id);
    if (!target || !document.contains(target)) return;
    var to =
      target.querySelector("[role=alert], .govgr-error-summary, [role=status], .govgr-notification-banner") ||
      target;
    if (!to.hasAttribute("tabindex")) to.setAttribute("tabindex", "-1");
    to.focus();
  }

  /* No lost work on a dropped connection: every change of an autosaved form (data-draft-key) is kept
   * in this browser until the server confirms the autosave; if the page is reopened before that, the
   * unsaved values come back. The messages are the form's data-restored / data-offline (Greek). */
  function message(status, cls, text) {
    var p = document.createElement("p");
    p.className = cls;
    if (cls === "govgr-hint") p.setAttribute("role", "status");
    p.textContent = text;
    status.replaceChildren(p);
  }

  function initDraftKeeper() {
    var form = document.querySelector("form[data-draft-key]");
    if (!form || !form.hasAttribute("hx-post")) return;
    var key = form.getAttribute("data-draft-key");
    var status = document.getElementById(form.getAttribute("data-status") || "autosave-status");
    function fields() {
      return Array.prototype.filter.call(form.elements, function (e) {
        return e.name && e.name !== "csrfmiddlewaretoken";
      });
    }
    function keep() {
      try {
        localStorage.setItem(key, JSON.stringify(fields().map(function (e) {
          return [e.name, e.type === "checkbox" ? e.checked : e.value];
        })));
      } catch (err) { /* storage full or disabled: the server autosave still runs */ }
    }
    function forget() {
      try { localStorage.removeItem(key); } catch (err) { /* nothing kept */ }
    }
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (err) { saved = null; }
    var list = fields();
    if (saved && saved.length === list.length && !document.getElementById("step-errors")) {
      saved.forEach(function (pair, i) {
        if (list[i].name !== pair[0]) return;
        if (list[i].type === "checkbox") { list[i].checked = pair[1]; } else { list[i].value = pair[1]; }
      });
      if (status) message(status, "govgr-hint", form.getAttribute("data-restored") || "");
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    document.body.addEventListener("htmx:afterRequest", function (evt) {
      if (evt.detail.elt === form && evt.detail.successful &&
          !evt.detail.xhr.responseText.includes("govgr-error-summary")) forget();
    });
    form.addEventListener("submit", forget);
    document.addEventListener("htmx:sendError", function () {
      if (status) message(status, "govgr-error-message", form.getAttribute("data-offline") || "");
    });
  }

  /* A submit button that must not be pressed twice (data-prevent-double-click): disabled once the
   * form is on its way, without an inline handler (CSP). */
  function initSingleSubmit() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-prevent-double-click]"), function (button) {
      if (!button.form) return;
      button.form.addEventListener("submit", function () {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  }

  function ready() {
    initMenu();
    wrapTables(document);
    initDraftKeeper();
    initSingleSubmit();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  document.addEventListener("htmx:afterSettle", function (evt) {
    wrapTables(document);
    focusAfterSwap(evt);
  });
  window.addEventListener("resize", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".table-scroll"), markScrollable);
  });
})();
