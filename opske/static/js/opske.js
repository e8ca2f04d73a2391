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

  function ready() {
    initMenu();
    wrapTables(document);
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
