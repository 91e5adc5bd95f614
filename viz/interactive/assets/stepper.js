/* chainrule stepper: plays the timeline in its <script type="application/json" class="cr-data">.
 *
 * Every number comes from that JSON (written by viz.interactive.model): stepping
 * computes nothing, it only looks up what each label shows at the current step (a
 * nudged leaf is recomputed by nudge.js, which rewrites those numbers).
 * Each stepper is a <div class="chainrule-stepper">; this script mounts every one
 * not mounted yet, so several steppers share a notebook without interfering.
 */
(function () {
  "use strict";

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function parseNumber(text) {
    var t = String(text).trim().replace(/\u2212/g, "-").replace(/,/g, ".");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?(\/[-+]?(\d+\.?\d*|\.\d+))?$/i.test(t)) return NaN;
    var parts = t.split("/");
    var value = parseFloat(parts[0]);
    return parts.length === 2 ? value / parseFloat(parts[1]) : value;
  }

  // a vector answer: numbers separated by spaces, commas or semicolons, brackets optional
  function parseVector(text) {
    var parts = String(text).replace(/[\[\]()]/g, " ").split(/[\s;,]+/).filter(function (p) {
      return p !== "";
    });
    return parts.map(parseNumber);
  }

  function mount(root) {
    if (!root || root.getAttribute("data-cr-mounted")) return;
    var began = window.performance ? performance.now() : 0;
    root.setAttribute("data-cr-mounted", "1");
    // The static stand-in for front ends that run no script: the stepper replaces it here,
    // built from its markup, kept as a JSON string so that no sanitiser can show it as text.
    all(root, ".cr-static").forEach(function (el) { el.parentNode.removeChild(el); });
    all(root, "script.cr-live-markup").forEach(function (holder) {
      var live = document.createElement("div");
      live.className = "cr-live";
      live.innerHTML = JSON.parse(holder.textContent);
      holder.parentNode.replaceChild(live, holder);
    });
    var data = JSON.parse(root.querySelector("script.cr-data").textContent);
    var steps = data.steps, nodes = data.nodes, edges = data.edges || [];
    var last = steps.length - 1;
    var one = function (sel) { return root.querySelector(sel); };
    var frames = all(root, ".cr-frame");
    var rows = all(root, ".cr-table tbody tr");
    var slider = one(".cr-slider"), where = one(".cr-where"), text = one(".cr-text");
    var play = one(".cr-play"), speed = one(".cr-speed"), graph = one(".cr-graph");
    var tip = one(".cr-tip"), tableWrap = one(".cr-table-wrap");
    var quiz = data.quiz;
    var state = { step: 0, timer: null, goal: null, pending: null, answers: {}, right: 0, asked: 0,
                  scale: 1 };

    // ---- what a label shows at step s ------------------------------------------------------
    function dataText(n, s) { return s >= n.dataAt ? n.value : "?"; }
    function dataLabel(n, s) { return s >= n.dataAt ? null : n.unknown; }
    function gradText(n, s) {
      var t = "?";
      for (var i = 0; i < n.grads.length && n.grads[i][0] <= s; i++) t = n.grads[i][1];
      return t;
    }
    // an arrow of a value used more than once carries its own share, "?" until it arrives
    function shareText(n, el, s) {
      var found = n.shares[el.getAttribute("data-to") + ":" + el.getAttribute("data-operand")];
      return found && found[0] <= s ? found[1] : "?";
    }
    // that value's node shows the sum: x.grad = ? + ?, then 3 + ?, then 3 + 3 = 6
    function totalText(n, s) {
      var t = n.total;
      for (var i = 0; i < n.totals.length && n.totals[i][0] <= s; i++) t = n.totals[i][1];
      return t;
    }
    function phaseDone(i, s) {
      var n = nodes[i];
      if (n.bwdAt !== undefined && n.bwdAt !== null && n.bwdAt <= s) return "cr-done-bwd";
      if (!n.leaf && n.dataAt > 0 && n.dataAt <= s) return "cr-done-fwd";
      return "";
    }

    nodes.forEach(function (n) { n.bwdAt = null; });
    steps.forEach(function (st, k) {
      if (st.phase === "backward" && st.node !== null && nodes[st.node]) nodes[st.node].bwdAt = k;
    });
    // What each element shows is kept here too, and the page writes only what a step changes:
    // on a graph of 10,000 nodes, rewriting every text and class on each step (and on opening)
    // made the browser lay the whole page out again. A large graph comes in tiles that are
    // drawn only when they come near the screen (adopt, below), so these lists grow.
    // Each slot keeps the text the drawing gave it: the known value, to restore after "?"
    // (after a nudge, its number is the node's new value: nudge.js replaces the node objects
    // in `nodes`, so slots find their node by index).
    var slots = [], slotIndex = [], slotKind = [], slotDrawn = [], slotPrefix = [];
    var slotShown = [], slotUnknown = [];
    var nodeEls = {}, nodeKeys = [], nodeClass = {};
    var edgeEls = [], edgeOf = [], edgeClass = [];
    var firstValue = nodes.map(function (n) { return n.value; });

    function adopt(box) {  // take in the numbers, nodes and edges of a part of the drawing
      var from = { slot: slots.length, node: nodeKeys.length, edge: edgeEls.length };
      all(box, "[data-kind]").forEach(function (el) {
        var i = +el.getAttribute("data-node"), drawn = el.textContent, value = firstValue[i];
        var cut = value === undefined ? -1 : drawn.length - value.length;
        slots.push(el);
        slotIndex.push(i);
        slotKind.push(el.getAttribute("data-kind"));
        slotDrawn.push(drawn);
        slotPrefix.push(cut >= 0 && drawn.slice(cut) === value ? drawn.slice(0, cut) : "");
        slotShown.push(drawn);
        slotUnknown.push(false);
      });
      all(box, "g[data-node]").forEach(function (el) {
        var key = el.getAttribute("data-node");
        nodeEls[key] = el;
        nodeKeys.push(key);
        nodeClass[key] = "";
      });
      all(box, "g[data-edge]").forEach(function (el) {
        edgeEls.push(el);
        edgeOf.push(edges[+el.getAttribute("data-edge")]);
        edgeClass.push("");
      });
      return from;
    }
    // the drawn text of a data slot once its value is known (a nudge changes the value)
    function knownText(k) {
      var i = slotIndex[k], value = nodes[i].value;
      return value === firstValue[i] ? slotDrawn[k] : slotPrefix[k] + value;
    }

    function setClass(el, before, after) {  // swap one state class for another
      if (before === after) return after;
      if (before) before.split(" ").forEach(function (c) { el.classList.remove(c); });
      if (after) after.split(" ").forEach(function (c) { el.classList.add(c); });
      return after;
    }

    // ---- a large graph's tiles, drawn when they come near the screen ---------------------------
    var tileScript = root.querySelector("script.cr-tiles-data");
    var tileData = tileScript ? JSON.parse(tileScript.textContent) : null;
    var tileBoxes = all(root, ".cr-graph .cr-tile[data-tile]");
    var watcher = null;
    function draw(box) {
      if (!box || box.hasAttribute("data-drawn")) return;
      box.setAttribute("data-drawn", "1");
      if (watcher) watcher.unobserve(box);
      box.innerHTML = JSON.parse(box.querySelector("script.cr-tile-svg").textContent);
      paint(adopt(box), state.step);
    }
    function drawNode(i) {  // the tile of node i, so that the step can point at it
      if (tileData && tileData.tileOf[i] >= 0) draw(tileBoxes[tileData.tileOf[i]]);
    }
    var NEAR = 600;  // pixels around the graph's window where tiles are drawn ahead
    function watchTiles() {
      // the tiles on the screen now, before the page shows; the others as they come near
      var view = graph.getBoundingClientRect();
      tileBoxes.forEach(function (box) {
        var r = box.getBoundingClientRect();
        if (r.right > view.left - NEAR && r.left < view.right + NEAR &&
            r.bottom > view.top - NEAR && r.top < view.bottom + NEAR) draw(box);
      });
      if (!window.IntersectionObserver) {  // no way to tell when they come near: all of them
        tileBoxes.forEach(draw);
        return;
      }
      watcher = new IntersectionObserver(function (seen) {
        seen.forEach(function (entry) { if (entry.isIntersecting) draw(entry.target); });
      }, { root: graph, rootMargin: NEAR + "px" });
      tileBoxes.forEach(function (box) { if (!box.hasAttribute("data-drawn")) watcher.observe(box); });
    }

    if (!tileData) adopt(graph);

    // ---- drawing one step --------------------------------------------------------------------
    function show(s) {
      state.step = s;
      root.setAttribute("data-step", String(s));
      var st = steps[s];
      slider.value = String(s);
      where.textContent = st.label + "  ·  step " + s + " of " + last;
      text.textContent = st.text;
      if (st.node !== null) drawNode(st.node);
      paint({ slot: 0, node: 0, edge: 0 }, s);
      frames.forEach(function (el) { el.hidden = +el.getAttribute("data-frame") !== st.frame; });
      if (data.table) updateTable(s, st);
      one(".cr-first").disabled = one(".cr-prev").disabled = s === 0;
      one(".cr-next").disabled = one(".cr-last").disabled = s === last;
      if (st.node !== null && nodeEls[st.node]) reveal(graph, nodeEls[st.node]);
    }

    // the numbers, nodes and edges from `from` on, as they are at step s
    function paint(from, s) {
      var st = steps[s];
      for (var k = from.slot; k < slots.length; k++) {
        var n = nodes[slotIndex[k]];
        if (!n) continue;
        var shown, kind = slotKind[k];
        if (kind === "data") {
          var unknown = dataLabel(n, s);
          shown = unknown === null ? knownText(k) : unknown;
        } else if (kind === "share") {
          shown = shareText(n, slots[k], s);
        } else if (kind === "total") {
          shown = totalText(n, s);
        } else {
          shown = gradText(n, s);
        }
        if (shown !== slotShown[k]) slots[k].textContent = slotShown[k] = shown;
        var isUnknown = shown.indexOf("?") >= 0;
        if (isUnknown !== slotUnknown[k]) {
          slots[k].classList.toggle("cr-unknown", isUnknown);
          slotUnknown[k] = isUnknown;
        }
      }
      for (var m = from.node; m < nodeKeys.length; m++) {
        var key = nodeKeys[m], i = +key;
        var wanted = st.node === i ? "cr-current" : phaseDone(i, s);
        nodeClass[key] = setClass(nodeEls[key], nodeClass[key], wanted);
      }
      for (var j = from.edge; j < edgeEls.length; j++) {
        var e = edgeOf[j];
        var active = e && st.node !== null && (e.to === st.node ||
          (e.to === -1 && e.from === st.node));
        var look = !active ? "" : st.phase === "backward" ? "cr-active cr-backward" : "cr-active";
        edgeClass[j] = setClass(edgeEls[j], edgeClass[j], look);
      }
    }

    var cellShown = rows.map(function (row) {
      return Array.prototype.map.call(row.children, function (c) { return c.textContent; });
    });
    var currentRow = null;
    function setCell(i, j, shown) {
      if (cellShown[i][j] !== shown) rows[i].children[j].textContent = cellShown[i][j] = shown;
    }
    function updateTable(s, st) {
      var t = data.table;
      rows.forEach(function (row, i) {
        var n = nodes[i];
        if (t.data !== null) setCell(i, t.data, s >= n.dataAt ? t.rows[i][t.data] : "?");
        if (t.grad !== null) {
          var known = n.gradAt !== null && n.gradAt <= s;
          setCell(i, t.grad, known ? t.rows[i][t.grad] : gradText(n, s));  // ?, g + ?
        }
      });
      var current = st.node !== null && rows[st.node] ? st.node : null;
      if (current !== currentRow) {
        if (currentRow !== null) rows[currentRow].classList.remove("cr-row-current");
        if (current !== null) rows[current].classList.add("cr-row-current");
        currentRow = current;
      }
      if (current !== null) reveal(tableWrap, rows[current]);
    }

    // scroll a container (not the page) so that el is visible in it
    function reveal(box, el) {
      if (!box || !el.getBoundingClientRect) return;
      var b = box.getBoundingClientRect(), r = el.getBoundingClientRect(), pad = 24;
      if (r.left < b.left) box.scrollLeft -= b.left - r.left + pad;
      else if (r.right > b.right) box.scrollLeft += r.right - b.right + pad;
      if (r.top < b.top) box.scrollTop -= b.top - r.top + pad;
      else if (r.bottom > b.bottom) box.scrollTop += r.bottom - b.bottom + pad;
    }

    // ---- moving --------------------------------------------------------------------------------
    function question(target) {
      if (!quiz) return null;
      for (var i = 0; i < quiz.questions.length; i++) {
        var q = quiz.questions[i];
        if (q.at > state.step && q.at <= target && !(i in state.answers)) return i;
      }
      return null;
    }

    function go(target) {
      if (root.getAttribute("data-cr-nudged")) return false;  // nudge.js: reset to step again
      target = Math.max(0, Math.min(last, target));
      var q = target > state.step ? question(target) : null;
      if (q !== null) {
        var before = quiz.questions[q].at - 1;
        if (before !== state.step) show(before);
        ask(q, target);
        return false;
      }
      if (quiz && state.pending !== null && target <= state.step) closeQuiz();
      show(target);
      return true;
    }

    function stop() {
      if (state.timer !== null) clearInterval(state.timer);
      state.timer = null;
      play.textContent = "▶ play";
      root.classList.remove("cr-playing");
    }

    function start() {
      if (state.step === last) show(0);
      play.textContent = "❚❚ pause";
      root.classList.add("cr-playing");
      state.timer = setInterval(function () {
        if (state.step >= last || !go(state.step + 1)) stop();
      }, +speed.value);
    }

    function toggle() { if (state.timer === null) start(); else stop(); }

    // ---- quiz --------------------------------------------------------------------------------
    function ask(i, goal) {
      stop();
      state.pending = i;
      state.goal = goal;
      var q = quiz.questions[i];
      var box = one(".cr-quiz");
      box.hidden = false;
      box.classList.remove("cr-was-right", "cr-was-wrong");
      one(".cr-question").textContent = "Before it is revealed: what is " + q.ask + "?" +
        (Array.isArray(q.answer) && q.answer.length > 1 ?
          " (a vector of " + q.answer.length + ": type its entries, such as 0.5, -1)" : "");
      var input = one(".cr-answer");
      input.value = "";
      input.disabled = false;
      one(".cr-check").disabled = false;
      var feedback = one(".cr-feedback");
      if (!feedback.classList.contains("cr-right")) {  // "✓ Right" stays until the next answer
        feedback.textContent = "";
        feedback.className = "cr-feedback";
      }
      input.focus({ preventScroll: true });
    }

    function closeQuiz() {
      state.pending = null;
      one(".cr-quiz").hidden = true;
    }

    function check() {
      if (state.pending === null) return;
      var i = state.pending, q = quiz.questions[i];
      var feedback = one(".cr-feedback"), input = one(".cr-answer");
      var vector = Array.isArray(q.answer);
      var values = vector ? parseVector(input.value) : [parseNumber(input.value)];
      var answers = vector ? q.answer : [q.answer];
      if (values.length !== answers.length || values.some(isNaN)) {
        feedback.textContent = vector ?
          "Type " + answers.length + " number(s), such as 0.5, -1 (spaces or commas between)." :
          "Type a number, such as -4, 0.25 or 1/3.";
        feedback.className = "cr-feedback cr-invalid";
        return;
      }
      var right = values.every(function (value, k) {
        var a = answers[k];
        return Math.abs(value - a) <= quiz.tolerance * Math.max(Math.abs(a), 1e-3);
      });
      state.answers[i] = right;
      state.asked += 1;
      if (right) state.right += 1;
      one(".cr-score").textContent = "Score: " + state.right + " of " + state.asked + " right";
      input.disabled = true;
      one(".cr-check").disabled = true;
      var box = one(".cr-quiz");
      if (right) {
        feedback.textContent = "✓ Right: " + q.ask + " = " + q.shown + ".";
        feedback.className = "cr-feedback cr-right";
        box.classList.add("cr-was-right");
        var goal = state.goal;
        state.pending = null;
        go(goal);
        if (state.pending === null) root.focus({ preventScroll: true });
      } else {
        feedback.textContent = "✗ Not quite (you said " + input.value.trim() + "). By the chain rule:\n" +
          q.chain + "\nPress next → to go on.";
        feedback.className = "cr-feedback cr-wrong";
        box.classList.add("cr-was-wrong");
        state.pending = null;
        root.focus({ preventScroll: true });
      }
    }

    // ---- hover -----------------------------------------------------------------------------------
    function nodeTip(i) {
      var n = nodes[i], s = state.step, lines = [];
      if (n.leaf) lines.push(n.expr);
      else lines.push(n.expr, "op: " + n.op + (n.opName && n.opName !== n.op ? " (" + n.opName + ")" : ""));
      lines.push("value: " + dataText(n, s));
      if (data.direction !== "forward") lines.push("gradient ∂" + data.output + "/∂" + n.name + ": " + gradText(n, s));
      edges.forEach(function (e) {
        if (e.to === i && e.formula) lines.push(s >= n.dataAt ? e.partial : e.formula);
      });
      return lines.join("\n");
    }

    function edgeTip(j) {
      var e = edges[j], n = nodes[e.from], s = state.step;
      var into = e.to >= 0 ? nodes[e.to].name + " (" + nodes[e.to].op + ")" : "the output";
      var lines = [n.name + " → " + into, "value: " + dataText(n, s)];
      if (data.direction !== "forward") lines.push("gradient ∂" + data.output + "/∂" + n.name + ": " + gradText(n, s));
      var share = root.querySelector('.cr-graph g[data-edge="' + j + '"] [data-kind="share"]');
      if (share) lines.push("this arrow's share of it: " + shareText(n, share, s));
      if (e.formula) lines.push("local partial: " + (e.to >= 0 && s >= nodes[e.to].dataAt ? e.partial : e.formula));
      return lines.join("\n");
    }

    function hover(event) {
      var target = event.target.closest ? event.target.closest("g[data-node], g[data-edge]") : null;
      if (!target || !root.contains(target) || !nodes.length) { tip.hidden = true; return; }
      var isNode = target.hasAttribute("data-node");
      tip.textContent = isNode ? nodeTip(+target.getAttribute("data-node")) :
        edgeTip(+target.getAttribute("data-edge"));
      tip.hidden = false;
      var box = root.getBoundingClientRect();
      var x = event.clientX - box.left + 14, y = event.clientY - box.top + 14;
      var maxX = root.clientWidth - tip.offsetWidth - 4;
      tip.style.left = Math.max(0, Math.min(x, maxX)) + "px";
      tip.style.top = y + "px";
    }

    // ---- zoom ------------------------------------------------------------------------------------
    // a large graph is a canvas of tiles (viz.interactive.tiles), scaled as one; any other
    // drawing is an <svg> (the layers view: one per frame), sized
    var tiles = one(".cr-graph .cr-tiles");
    var canvas = tiles ? tiles.querySelector(".cr-canvas") : null;
    var svgs = tiles ? [] : all(root, ".cr-graph svg");
    function zoom(scale) {
      state.scale = Math.max(0.2, Math.min(4, scale));
      if (tiles) {
        tiles.style.width = (+tiles.getAttribute("data-w") * state.scale) + "px";
        tiles.style.height = (+tiles.getAttribute("data-h") * state.scale) + "px";
        canvas.style.transform = "scale(" + state.scale + ")";
      }
      svgs.forEach(function (svg) {
        if (!svg.hasAttribute("data-w")) {
          svg.setAttribute("data-w", svg.width.baseVal.value || svg.getBBox().width);
          svg.setAttribute("data-h", svg.height.baseVal.value || svg.getBBox().height);
        }
        svg.style.width = (+svg.getAttribute("data-w") * state.scale) + "px";
        svg.style.height = (+svg.getAttribute("data-h") * state.scale) + "px";
      });
    }
    // fit the width: a small graph grows to fill a projector screen; on opening (and while the
    // window changes size) a large graph shrinks only so far that its labels stay readable,
    // then it scrolls; the fit button shrinks it all the way
    var autoFit = true;
    function fit(opening) {
      var natural = tiles ? +tiles.getAttribute("data-w") : svgs[0] && svgs[0].width.baseVal.value;
      if (natural === undefined) return;
      var room = graph.clientWidth - 28;
      var scale = room > 0 ? Math.min(2, room / (natural || 1)) : 1;
      zoom(opening === true ? Math.max(0.75, scale) : scale);
    }

    // ---- wiring ----------------------------------------------------------------------------------
    one(".cr-first").addEventListener("click", function () { stop(); go(0); });
    one(".cr-prev").addEventListener("click", function () { stop(); go(state.step - 1); });
    one(".cr-next").addEventListener("click", function () { stop(); go(state.step + 1); });
    one(".cr-last").addEventListener("click", function () { stop(); go(last); });
    play.addEventListener("click", toggle);
    speed.addEventListener("change", function () { if (state.timer !== null) { stop(); start(); } });
    slider.addEventListener("input", function () {
      stop();
      if (!go(+slider.value)) slider.value = String(state.step);
    });
    one(".cr-zoom-in").addEventListener("click", function () {
      autoFit = false;
      zoom(state.scale * 1.25);
    });
    one(".cr-zoom-out").addEventListener("click", function () {
      autoFit = false;
      zoom(state.scale / 1.25);
    });
    one(".cr-zoom-fit").addEventListener("click", function () { autoFit = false; fit(false); });
    window.addEventListener("resize", function () { if (autoFit) fit(true); });
    if (quiz) {
      one(".cr-check").addEventListener("click", check);
      one(".cr-answer").addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); check(); }
        e.stopPropagation();
      });
    }
    graph.addEventListener("mousemove", hover);
    graph.addEventListener("mouseleave", function () { tip.hidden = true; });

    function onKey(e) {
      var t = e.target, tag = t && t.tagName ? t.tagName.toUpperCase() : "";
      if (tag === "SELECT" || tag === "TEXTAREA" || (tag === "INPUT" && t.type !== "range")) return;
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var key = e.key;
      if (tag === "BUTTON" && (key === " " || key === "Enter")) return;  // the button's own click
      if (key === "ArrowRight" || key === "Right") { stop(); go(state.step + 1); }
      else if (key === "ArrowLeft" || key === "Left") { stop(); go(state.step - 1); }
      else if (key === "Home") { stop(); go(0); }
      else if (key === "End") { stop(); go(last); }
      else if (key === " " || key === "Spacebar") toggle();
      else return;
      e.preventDefault();
    }
    if (root.getAttribute("data-standalone") === "1") document.addEventListener("keydown", onKey);
    else root.addEventListener("keydown", onKey);

    // for nudge.js, which rewrites the final state's numbers and shows it
    root.crStepper = { data: data, show: show, stop: stop, last: last,
                       step: function () { return state.step; } };
    // the texts first, then the fit: the browser lays the page out once, not twice
    show(Math.max(0, Math.min(last, data.start || 0)));
    fit(true);
    var opened = steps[state.step];
    if (opened.node !== null && nodeEls[opened.node]) reveal(graph, nodeEls[opened.node]);
    if (tileData) watchTiles();
    if (window.requestAnimationFrame) {  // once the page has its final layout (scrollbars)
      requestAnimationFrame(function () { if (autoFit) fit(true); });
    }
    if (window.performance) {  // when the page got ready, and how long this script took
      root.setAttribute("data-cr-ready-ms", String(Math.round(performance.now())));
      root.setAttribute("data-cr-mount-ms", String(Math.round(performance.now() - began)));
    }
    root.setAttribute("data-cr-ready", "1");
  }

  var script = document.currentScript;
  var own = script && script.closest ? script.closest(".chainrule-stepper") : null;
  if (own) mount(own);
  all(document, ".chainrule-stepper:not([data-cr-mounted])").forEach(mount);
})();
