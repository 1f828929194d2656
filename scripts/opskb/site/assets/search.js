/* opskb site search: the browser twin of opskb/search.py (same index, same steps, same
 * scores; tests/test_search_quality.py compares the two on every query of the test set).
 *
 * The index is static files beside this script (assets/opskb/search/): a manifest, term
 * chunks (t<N>.js) and document blocks (m<N>.js). Each file is a script that hands its
 * data to window.opskbSearch, so the search works from file:// and offline (no fetch()).
 * A query loads the manifest once, then only the chunks its words fall in, then the
 * blocks of the results shown. No stemmer here: the chunks map every word form the build
 * saw to its stem (see opskb/search.py for the order in which a word is read).
 * Results are written as text nodes only: a title is text, never markup.
 */
(function () {
  "use strict";

  var here = document.currentScript && document.currentScript.src;
  if (!here) return;
  var root = here.replace(/assets\/opskb\/search\.js([?#].*)?$/, "");
  var dir = root + "assets/opskb/search/";
  var CODE = /[\p{L}\p{N}_]+(?:[\/.:-][\p{L}\p{N}_]+)*/gu;
  var WORD = /[\p{L}\p{N}]+/gu;
  var CAMEL = /[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+/g;
  var SPLIT = /[^\p{L}\p{N}]+|_+/u;
  var EMPTY = { t: {}, f: {} };
  var data = { manifest: null, chunks: {}, meta: {} };
  var pending = {};

  /* Runs of words in the other language's script, marked with its lang so that a screen
     reader speaks them in it, as the site's templates mark content (site/phrases.py). */
  var OTHER = /^ru\b/.test(document.documentElement.lang)
    ? { lang: "en", run: /(\p{Script=Latin}+(?:[^\p{L}]+\p{Script=Latin}+)*)/u }
    : { lang: "ru", run: /(\p{Script=Cyrillic}+(?:[^\p{L}]+\p{Script=Cyrillic}+)*)/u };

  function setText(node, text) {
    text.split(OTHER.run).forEach(function (part, i) {
      if (!part) return;
      if (i % 2 === 0) { node.appendChild(document.createTextNode(part)); return; }
      var span = document.createElement("span");
      span.lang = OTHER.lang;
      span.textContent = part;
      node.appendChild(span);
    });
  }

  /* ---------------------------------------------------------------- loading */

  function load(name) {
    if (!pending[name]) {
      pending[name] = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = dir + name + ".js";
        tag.charset = "utf-8";  // the files are UTF-8 whatever the page says (file:// has no headers)
        tag.onload = function () { resolve(); };
        tag.onerror = function () { delete pending[name]; reject(new Error("cannot load " + tag.src)); };
        document.head.appendChild(tag);
      });
    }
    return pending[name];
  }

  window.opskbSearch = {
    manifest: function (m) {
      data.manifest = m;
      m.prefixIndex = {};
      m.prefixes.forEach(function (p, n) { m.prefixIndex[p] = n; });
      m.phraseIndex = {};
      m.longest = 1;
      m.synonyms.forEach(function (row) {
        var key = row[1].join("\u0000");
        if (!(key in m.phraseIndex)) m.phraseIndex[key] = row[0];
        m.longest = Math.max(m.longest, row[1].length);
      });
      m.digits = {};
      for (var d = 0; d < m.alphabet.length; d++) m.digits[m.alphabet.charAt(d)] = d;
      m.stopSet = {};
      m.stop.forEach(function (w) { m.stopSet[w] = true; });
    },
    chunk: function (n, c) { data.chunks[n] = c; },
    meta: function (n, rows) { data.meta[n] = rows; },
    ready: function () { return load("manifest"); },
    search: search
  };

  /* ---------------------------------------------------------------- analysis */

  function normalize(w) { return w.toLowerCase().replace(/ё/g, "е"); }

  function camel(part) { return part.match(CAMEL) || []; }

  function isUpper(t) { return /\p{Lu}/u.test(t) && !/\p{Ll}/u.test(t); }

  function looksLikeCode(t) { return /[_\/.:-]/.test(t) || isUpper(t) || camel(t).length > 1; }

  function codeWords(code) {
    var out = [];
    code.split(SPLIT).forEach(function (part) {
      if (!part) return;
      var pieces = camel(part);
      if (pieces.join("") === part) out.push.apply(out, pieces); else out.push(part);
    });
    return out.map(normalize);
  }

  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  function Engine(missing) {
    var m = data.manifest;
    this.m = m;
    this.chunkOf = function (key) {
      for (var len = key.length; len >= 0; len--) {
        var p = key.slice(0, len);
        if (has(m.prefixIndex, p)) {
          var n = m.prefixIndex[p];
          if (!data.chunks[n]) { missing[n] = true; return EMPTY; }
          return data.chunks[n];
        }
      }
      return EMPTY;
    };
  }

  /* The numbers of packed postings (opskb/searchindex.py: pack). */
  Engine.prototype.unpack = function (text) {
    var digits = this.m.digits, numbers = [], number = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
      var value = digits[text.charAt(i)];
      if (value >= 32) { number += (value - 32) * Math.pow(2, shift); shift += 5; }
      else { numbers.push(number + value * Math.pow(2, shift)); number = 0; shift = 0; }
    }
    return numbers;
  };

  function unit(terms, primary) { return { terms: terms, primary: primary || "" }; }

  function best(u) {
    var found = "", factor = -1;
    Object.keys(u.terms).forEach(function (t) {
      var f = u.terms[t];
      if (f > factor || (f === factor && t < found)) { found = t; factor = f; }
    });
    return found;
  }

  Engine.prototype.codeUnit = function (key) {
    var terms = this.chunkOf(key).t, F = this.m.factors;
    var out = {};
    if (has(terms, key)) { out[key] = F.exact; return unit(out); }
    if (key.length > 4) {
      Object.keys(terms).forEach(function (t) { if (t.indexOf(key) === 0) out[t] = F.prefix; });
    }
    return unit(out);
  };

  Engine.prototype.wordUnit = function (word) {
    var chunk = this.chunkOf(word), terms = chunk.t, forms = chunk.f, F = this.m.factors;
    var keys = Object.keys(terms).concat(Object.keys(forms))
      .filter(function (k) { return k[0] !== "=" && k[0] !== "~"; }).sort();
    var out = {};
    if (has(forms, word)) { out[forms[word]] = F.exact; return unit(out, forms[word]); }
    if (has(terms, word)) { out[word] = F.exact; return unit(out, word); }
    var stem = null;
    keys.forEach(function (t) {
      if (has(terms, t) && word.indexOf(t) === 0 && t.length >= 3 && word.length - t.length <= 4) {
        if (stem === null || t.length > stem.length || (t.length === stem.length && t > stem)) stem = t;
      }
    });
    if (stem !== null) { out[stem] = F.stem; return unit(out, stem); }
    if (word.length >= 3) {
      keys.forEach(function (k) { if (k.indexOf(word) === 0) out[has(forms, k) ? forms[k] : k] = F.prefix; });
    }
    if (!Object.keys(out).length && word.length >= this.m.fuzzy.min_length) {
      var limit = word.length >= this.m.fuzzy.two_from ? 2 : 1;
      keys.forEach(function (k) {
        var d = osa(word, k, limit);
        if (d <= limit) {
          var target = has(forms, k) ? forms[k] : k;
          var factor = d === 1 ? F.fuzzy1 : F.fuzzy2;
          if (factor > (out[target] || 0)) out[target] = factor;
        }
      });
    }
    var u = unit(out);
    u.primary = best(u);
    return u;
  };

  /* Optimal string alignment distance; limit + 1 when it exceeds limit. */
  function osa(a, b, limit) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = null, prev = [], i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      var cur = [i];
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          v = Math.min(v, prev2[j - 2] + 1);
        }
        cur.push(v);
      }
      prev2 = prev; prev = cur;
    }
    var d = prev[b.length];
    return d > limit ? limit + 1 : d;
  }

  Engine.prototype.analyze = function (text) {
    var self = this, stop = this.m.stopSet;
    var tokens = text.normalize("NFC").match(CODE) || [];
    var units = [], words = [];
    tokens.forEach(function (token) {
      var isCode = looksLikeCode(token);
      if (isCode || tokens.length === 1) {
        var cu = self.codeUnit("=" + normalize(token));
        if (Object.keys(cu.terms).length) units.push(cu);
      }
      var parts = isCode ? codeWords(token) : (token.match(WORD) || []).map(normalize);
      parts.forEach(function (word) {
        if (stop[word]) return;
        var wu = self.wordUnit(word);
        if (Object.keys(wu.terms).length) { units.push(wu); words.push(wu); }
      });
    });
    this.synonyms(units, words);
    return units;
  };

  Engine.prototype.synonyms = function (units, words) {
    var m = this.m, at = 0;
    while (at < words.length) {
      var step = 1;
      for (var len = Math.min(m.longest, words.length - at); len > 0; len--) {
        var key = words.slice(at, at + len).map(function (w) { return w.primary; }).join("\u0000");
        if (!has(m.phraseIndex, key)) continue;
        var group = m.phraseIndex[key];
        var entry = this.chunkOf(group).t[group];
        var posted = !!entry && entry[1].length > 0;
        if (len === 1) {
          if (posted && !has(words[at].terms, group)) words[at].terms[group] = m.factors.exact;
          break;
        }
        if (posted) {
          var first = units.indexOf(words[at]);
          words.slice(at, at + len).forEach(function (w) { units.splice(units.indexOf(w), 1); });
          var g = {}; g[group] = m.factors.exact;
          units.splice(first, 0, unit(g, group));
          step = len;
          break;
        }
      }
      at += step;
    }
  };

  Engine.prototype.rank = function (units) {
    var self = this, scores = {}, hits = {};
    units.forEach(function (u) {
      var bestOf = {};
      Object.keys(u.terms).forEach(function (term) {
        var entry = self.chunkOf(term).t[term];
        if (!entry) return;
        var idf = entry[0], doc = 0, factor = u.terms[term], numbers = self.unpack(entry[1]);
        for (var at = 0; at < numbers.length; at += 2) {
          doc += numbers[at];
          var value = factor * idf * numbers[at + 1];
          if (value > (bestOf[doc] || 0)) bestOf[doc] = value;
        }
      });
      Object.keys(bestOf).forEach(function (doc) {
        scores[doc] = (scores[doc] || 0) + bestOf[doc];
        hits[doc] = (hits[doc] || 0) + 1;
      });
    });
    var count = units.length, priors = this.m.priors, counts = this.m.counts;
    var ranked = Object.keys(scores).map(function (key) {
      var doc = +key, h = hits[key];
      var kind = doc < counts[0] ? 0 : doc < counts[0] + counts[1] ? 1 : 2;
      return { doc: doc, kind: kind, score: scores[key] * h * h / (count * count) * priors[kind] };
    });
    ranked.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return ranked;
  };

  /* Ranked documents for a query: [{doc, kind, score, title, url, line}], at most limit. */
  function search(text, limit) {
    limit = limit || 10;
    return load("manifest").then(function () {
      function attempt() {
        var missing = {};
        var engine = new Engine(missing);
        var ranked = engine.rank(engine.analyze(text));
        var need = Object.keys(missing);
        if (need.length) {
          return Promise.all(need.map(function (n) { return load("t" + n); })).then(attempt);
        }
        return ranked;
      }
      return attempt();
    }).then(function (ranked) {
      var top = ranked.slice(0, limit), block = data.manifest.block;
      var blocks = {};
      top.forEach(function (r) { blocks[Math.floor(r.doc / block)] = true; });
      return Promise.all(Object.keys(blocks).map(function (n) { return load("m" + n); })).then(function () {
        top.forEach(function (r) {
          var row = data.meta[Math.floor(r.doc / block)][r.doc % block];
          r.title = row[0]; r.url = row[1]; r.line = row[2];
        });
        return { total: ranked.length, results: top };
      });
    });
  }

  /* ---------------------------------------------------------------- the search box */

  /* The box's words, from the site's label catalog (data-opskb-labels on the box). */
  var WORDS = {
    kind_runbook: "Runbook", kind_status: "Status", kind_reference: "Reference",
    none: "No matching documents", one: "1 matching document", many: "{n} matching documents",
    start: "Type to start searching", unavailable: "Search is unavailable: {error}"
  };
  function word(key, n, error) {
    return String(WORDS[key]).replace("{n}", String(n)).replace("{error}", String(error));
  }
  function loadWords(box) {
    try {
      var given = JSON.parse(box.getAttribute("data-opskb-labels") || "{}");
      Object.keys(given).forEach(function (k) { WORDS[k] = String(given[k]); });
    } catch (e) { /* keep English */ }
  }
  var KIND = ["kind_runbook", "kind_status", "kind_reference"];

  function render(box, answer) {
    var meta = box.querySelector(".md-search-result__meta");
    var list = box.querySelector(".md-search-result__list");
    list.textContent = "";
    var n = answer.total;
    meta.textContent = word(n === 0 ? "none" : n === 1 ? "one" : "many", n);
    answer.results.forEach(function (r) {
      var li = document.createElement("li");
      li.className = "md-search-result__item";
      var a = document.createElement("a");
      a.className = "md-search-result__link";
      a.href = root + r.url;
      a.setAttribute("data-opskb-doc", String(r.doc));
      var article = document.createElement("article");
      article.className = "md-search-result__article md-typeset";
      var h = document.createElement("h1");
      setText(h, r.title);
      var kind = document.createElement("span");
      kind.className = "opskb-search-kind opskb-search-kind--" + r.kind;
      kind.textContent = word(KIND[r.kind]);
      var p = document.createElement("p");
      setText(p, r.line);
      article.appendChild(kind);
      article.appendChild(h);
      article.appendChild(p);
      a.appendChild(article);
      li.appendChild(a);
      list.appendChild(li);
    });
  }

  function start() {
    var box = document.querySelector("[data-opskb-search]");
    if (!box) return;
    loadWords(box);
    var input = box.querySelector(".md-search__input");
    var toggle = document.getElementById("__search");
    var meta = box.querySelector(".md-search-result__meta");
    var asked = 0, last = null;
    function run() {
      var text = input.value.trim();
      if (text === last) return;
      last = text;
      var mine = ++asked;
      if (!text) {
        box.querySelector(".md-search-result__list").textContent = "";
        meta.textContent = word("start");
        return;
      }
      search(text, 10).then(function (answer) {
        if (mine === asked) render(box, answer);
      }, function (error) {
        if (mine === asked) meta.textContent = word("unavailable", 0, error.message);
      });
    }
    input.addEventListener("input", run);
    input.addEventListener("keyup", run);
    input.addEventListener("focus", function () {
      if (toggle) toggle.checked = true;
      window.opskbSearch.ready().catch(function () {});  // while the person types, not after
    });
    box.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); run(); });
    box.querySelector("form").addEventListener("reset", function () {
      setTimeout(function () { last = null; run(); }, 0);
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && toggle && toggle.checked) { toggle.checked = false; input.blur(); }
    });
    if (input.value) run();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
