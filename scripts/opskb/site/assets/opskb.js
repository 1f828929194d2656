/* opskb page script: the incident timer and the review-overdue banner.
 *
 * Plain JavaScript, no backend, no network: everything it needs is in the page
 * (data-opskb-timer, built from the route and its SLA policy). The start time is kept in
 * localStorage per runbook so a reload during an incident does not lose it.
 * All text is inserted with textContent, never innerHTML.
 */
(function () {
  "use strict";

  var WEEKDAY = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
  var MINUTE = 60000;

  /* Wall-clock parts of an instant in a time zone. */
  function partsIn(ms, tz) {
    var fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: tz, hourCycle: "h23", weekday: "short",
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"
    });
    var out = {};
    fmt.formatToParts(new Date(ms)).forEach(function (p) { out[p.type] = p.value; });
    return {
      y: +out.year, m: +out.month, d: +out.day, hh: +out.hour, mm: +out.minute,
      wd: WEEKDAY[out.weekday]
    };
  }

  /* The instant at which the wall clock of tz shows y-m-d hh:mm. */
  function zoned(y, m, d, hh, mm, tz) {
    var guess = Date.UTC(y, m - 1, d, hh, mm);
    for (var i = 0; i < 2; i++) {
      var p = partsIn(guess, tz);
      var shown = Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm);
      guess += Date.UTC(y, m - 1, d, hh, mm) - shown;
    }
    return guess;
  }

  function hm(text) {
    var bits = text.split(":");
    return [+bits[0], +bits[1]];
  }

  function iso(y, m, d) {
    return y + "-" + String(m).padStart(2, "0") + "-" + String(d).padStart(2, "0");
  }

  /* start + minutes on the SLA clock: calendar time, or working hours of a calendar. */
  function addOnClock(start, minutes, clock) {
    if (!clock || clock.kind !== "calendar") return start + minutes * MINUTE;
    var tz = clock.timezone, open = hm(clock.start), close = hm(clock.end);
    var holidays = {}, moved = {};
    (clock.holidays || []).forEach(function (day) { holidays[day] = true; });
    (clock.workdays || []).forEach(function (day) { moved[day] = true; });
    var left = minutes * MINUTE;
    var cur = start;
    for (var i = 0; i < 800; i++) {
      var p = partsIn(cur, tz);
      var day = iso(p.y, p.m, p.d);
      // Same rule as opskb.clocks: a weekend day the country moved work to is a working
      // day; otherwise a listed weekday that is not a public holiday.
      if (moved[day] || (clock.weekdays.indexOf(p.wd) >= 0 && !holidays[day])) {
        var from = Math.max(cur, zoned(p.y, p.m, p.d, open[0], open[1], tz));
        var to = zoned(p.y, p.m, p.d, close[0], close[1], tz);
        if (from < to) {
          if (left <= to - from) return from + left;
          left -= to - from;
        }
      }
      var next = new Date(Date.UTC(p.y, p.m - 1, p.d + 1));
      cur = zoned(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, tz);
    }
    return NaN;
  }

  function fmtTime(ms) {
    var d = new Date(ms);
    var sameDay = new Date().toDateString() === d.toDateString();
    var opts = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    if (!sameDay) { opts.weekday = "short"; opts.day = "numeric"; opts.month = "short"; }
    return d.toLocaleString(undefined, opts);
  }

  /* A label from the page's catalog (data-opskb-labels), {name} fields filled in. */
  function label(L, key, fields) {
    var text = L[key] === undefined ? key : String(L[key]);
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return fields && fields[name] !== undefined ? String(fields[name]) : m;
    });
  }

  function fmtLeft(L, ms) {
    var mins = Math.round(Math.abs(ms) / MINUTE);
    var text = mins >= 120
      ? label(L, "hours", { hours: Math.floor(mins / 60), minutes: mins % 60 })
      : label(L, "minutes", { minutes: mins });
    return label(L, ms >= 0 ? "in" : "overdue", { time: text });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function localInput(ms) {
    var d = new Date(ms - new Date(ms).getTimezoneOffset() * MINUTE);
    return d.toISOString().slice(0, 16);
  }

  function mountTimer(box) {
    var data;
    try { data = JSON.parse(box.getAttribute("data-opskb-timer")); } catch (e) { return; }
    var L = {};
    try { L = JSON.parse(box.getAttribute("data-opskb-labels") || "{}"); } catch (e) { L = {}; }
    var key = "opskb-timer:" + data.runbook;
    var live = document.querySelector(".opskb-deadline-live");
    var liveBefore = live ? live.textContent : "";
    box.textContent = "";
    box.appendChild(el("p", "opskb-timer-title", label(L, "title")));
    var controls = el("p", "opskb-timer-controls");
    var field = el("label", null, label(L, "registered"));
    var input = el("input");
    input.type = "datetime-local";
    input.className = "opskb-timer-start";
    field.appendChild(input);
    var startBtn = el("button", "md-button md-button--primary opskb-timer-go", label(L, "start"));
    startBtn.type = "button";
    var resetBtn = el("button", "md-button opskb-timer-reset", label(L, "reset"));
    resetBtn.type = "button";
    controls.appendChild(field);
    controls.appendChild(startBtn);
    controls.appendChild(resetBtn);
    box.appendChild(controls);
    var clockNote = data.clock.kind === "calendar"
      ? label(L, "clock_calendar", data.clock)
      : label(L, "clock_24x7");
    box.appendChild(el("p", "opskb-timer-note", clockNote));
    var table = el("table", "opskb-timer-table");
    box.appendChild(table);

    var rows = [{ what: label(L, "react"), minutes: data.react }];
    data.hops.forEach(function (hop) {
      rows.push({
        what: hop.line + ": " + hop.team + (hop.after ? "" : label(L, "now")),
        minutes: hop.after, hop: true
      });
    });
    rows.push({ what: label(L, "resolve"), minutes: data.resolve });

    /* The live deadline at the top of the page: the next one still ahead. */
    function showNext() {
      if (!live) return;
      if (started === null) { live.textContent = liveBefore; return; }
      var now = Date.now();
      var next = null;
      rows.forEach(function (row) {
        if (!row.minutes) return;
        var due = addOnClock(started, row.minutes, data.clock);
        if (due >= now && (next === null || due < next.due)) next = { row: row, due: due };
      });
      live.textContent = next === null
        ? label(L, "all_passed")
        : label(L, "next", { what: next.row.what, time: fmtTime(next.due), left: fmtLeft(L, next.due - now) });
    }

    var started = null;
    function render() {
      table.textContent = "";
      var head = el("tr");
      ["", label(L, "due"), ""].forEach(function (t) { head.appendChild(el("th", null, t)); });
      table.appendChild(head);
      rows.forEach(function (row) {
        var tr = el("tr", row.hop ? "opskb-timer-hop" : "opskb-timer-sla");
        tr.appendChild(el("td", null, row.what));
        if (started === null) {
          tr.appendChild(el("td", null, row.minutes ? label(L, "plus", { minutes: row.minutes }) : label(L, "at_once")));
          tr.appendChild(el("td", null, ""));
        } else {
          var due = addOnClock(started, row.minutes, data.clock);
          var left = due - Date.now();
          var cell = el("td", "opskb-timer-due", fmtTime(due));
          cell.setAttribute("data-due", new Date(due).toISOString());
          tr.appendChild(cell);
          if (!row.minutes) tr.appendChild(el("td", "opskb-timer-left", label(L, "from_registration")));
          else tr.appendChild(el("td", left < 0 ? "opskb-timer-late" : "opskb-timer-left", fmtLeft(L, left)));
        }
        table.appendChild(tr);
      });
      startBtn.textContent = label(L, started === null ? "start" : "restart");
      showNext();
    }

    function start(ms) {
      started = ms;
      try { localStorage.setItem(key, String(ms)); } catch (e) { /* private mode */ }
      render();
    }

    var saved = null;
    try { saved = localStorage.getItem(key); } catch (e) { saved = null; }
    if (saved && !isNaN(+saved)) {
      started = +saved;
      input.value = localInput(started);
    } else {
      input.value = localInput(Date.now());
    }
    startBtn.addEventListener("click", function () {
      var ms = input.value ? new Date(input.value).getTime() : Date.now();
      start(isNaN(ms) ? Date.now() : ms);
    });
    resetBtn.addEventListener("click", function () {
      started = null;
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
      input.value = localInput(Date.now());
      render();
    });
    render();
    setInterval(function () { if (started !== null) render(); }, 15000);
  }

  function reviewBanners() {
    var today = new Date().toISOString().slice(0, 10);
    document.querySelectorAll(".opskb-review-overdue[data-due]").forEach(function (banner) {
      if (banner.getAttribute("data-due") < today) banner.hidden = false;
    });
  }

  /* A table wider than the screen scrolls in its wrapper (the theme's); one without a link
     or a button cannot be scrolled from the keyboard unless the wrapper takes the focus. */
  function focusableScrollers() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      var overflows = wrap.scrollWidth > wrap.clientWidth;
      var focusable = wrap.querySelector("a[href], button, input, select, textarea, [tabindex]");
      if (overflows && !focusable) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        var table = wrap.querySelector("table");
        var head = table && table.querySelector("th");
        if (head) wrap.setAttribute("aria-label", head.textContent);
      } else if (!overflows && wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  /* A link to the page in another language is named in that language ("Русский"): it
     says so (lang from hreflang), so a screen reader reads the name in it. */
  function languageLinks() {
    document.querySelectorAll("a[hreflang]").forEach(function (link) {
      if (!link.lang) link.lang = link.hreflang;
    });
  }

  function init() {
    document.querySelectorAll("[data-opskb-timer]").forEach(mountTimer);
    reviewBanners();
    languageLinks();
    // The theme wraps its tables once the page has loaded.
    window.addEventListener("load", focusableScrollers);
    window.addEventListener("resize", focusableScrollers);
  }

  window.opskbClock = { addOnClock: addOnClock };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
