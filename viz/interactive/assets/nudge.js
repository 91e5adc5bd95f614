/* chainrule stepper, nudging: change a leaf, recompute both passes here, compare ΔL with grad·h.
 *
 * The ops come from window.chainruleOps[key], JavaScript generated from the op table
 * (autograd.javascript); this file holds no op's math. "nudge" in the page's JSON holds
 * the graph as a program (per node: op, argument nodes, kept constant) and the engine's
 * values and gradients. An edit rewrites the final state of the stepper's timeline with
 * the new numbers and shows it; stepping is paused until "reset".
 */
(function () {
  "use strict";

  // Python's format(x, ".{p}g"), as autograd.format_number prints every number
  function exactTie(digits) {  // "5000…" after the kept digits: a tie, rounded to even
    return /^50*$/.test(digits);
  }
  function roundEven(full, kept, rounded) {
    // full: the number with 25 more digits than kept; rounded: JS's (ties away from zero)
    var at = full.search(/e|$/), body = full.slice(0, at);
    var cut = body.length - 25, extra = body.slice(cut);
    if (!exactTie(extra)) return rounded;
    var truncated = body.slice(0, cut) + full.slice(at);
    var last = body.slice(0, cut).replace(/\./g, "").slice(-1);
    return (+last % 2 === 0) ? truncated : rounded;
  }
  function formatNumber(x, p) {
    if (x !== x) return "nan";
    if (x === Infinity) return "inf";
    if (x === -Infinity) return "-inf";
    var sign = (x < 0 || (x === 0 && 1 / x < 0)) ? "-" : "", a = Math.abs(x);
    var exp = roundEven(a.toExponential(p - 1 + 25), p - 1, a.toExponential(p - 1));
    var e = +exp.split("e")[1];
    var text;
    if (a !== 0 && (e < -4 || e >= p)) {
      var parts = exp.split("e"), mantissa = parts[0];
      if (mantissa.indexOf(".") >= 0) mantissa = mantissa.replace(/0+$/, "").replace(/\.$/, "");
      var n = Math.abs(e);
      text = mantissa + "e" + (e < 0 ? "-" : "+") + (n < 10 ? "0" : "") + n;
    } else {
      var decimals = Math.max(0, p - 1 - e);
      text = roundEven(a.toFixed(decimals + 25), decimals, a.toFixed(decimals));
      if (text.indexOf(".") >= 0) text = text.replace(/0+$/, "").replace(/\.$/, "");
    }
    return sign + text;
  }
  function operand(t) { return t.charAt(0) === "-" ? "(" + t + ")" : t; }
  // autograd.explain.sum_text for a complete sum: "3 + 3 = 6"
  function sumText(terms, result, maxTerms) {
    var shown = terms.slice();
    if (shown.length > maxTerms) {
      shown = shown.slice(0, maxTerms - 1).concat(["… " + (terms.length - maxTerms + 1) + " more"]);
    }
    var body = shown.length > 1 ? shown.map(operand).join(" + ") : shown[0];
    return body + " = " + result;
  }

  // ---- both passes, node by node, with the generated ops ------------------------------------
  function run(nd, ops, leafValues) {
    var n = nd.nodes.length, value = [], grad = [], shares = {}, order = [];
    for (var i = 0; i < n; i++) {
      var node = nd.nodes[i];
      grad.push(0);
      if (node.op === null) { value.push(i in leafValues ? leafValues[i] : nd.values[i]); continue; }
      value.push(ops[node.op].forward.apply(null, args(node, value)));
    }
    grad[n - 1] = 1;
    for (var j = n - 1; j >= 0; j--) {
      var nj = nd.nodes[j];
      if (nj.op === null) continue;
      var partials = ops[nj.op].partials.apply(null, args(nj, value).concat([value[j]]));
      for (var k = 0; k < nj.args.length; k++) {
        var share = grad[j] * partials[k];
        shares[j + ":" + k] = share;
        order.push([nj.args[k], share]);
        grad[nj.args[k]] += share;
      }
    }
    return { value: value, grad: grad, shares: shares, order: order };
  }
  function args(node, value) {
    var xs = node.args.map(function (a) { return value[a]; });
    if (node.constant !== null) xs.push(node.constant);
    return xs;
  }

  function mount(root) {
    var panel = root.querySelector(".cr-nudge");
    var stepper = root.crStepper;
    if (!panel || !stepper || root.getAttribute("data-cr-nudge-mounted")) return;
    root.setAttribute("data-cr-nudge-mounted", "1");
    var data = stepper.data, nd = data.nudge, nodes = data.nodes;
    var ops = (window.chainruleOps || {})[nd.key];
    if (!ops) return;
    var p = nd.precision, fmt = function (x) { return formatNumber(x, p); };
    var inputs = Array.prototype.slice.call(panel.querySelectorAll(".cr-nudge-input"));
    var message = panel.querySelector(".cr-nudge-result");
    var original = JSON.stringify({ nodes: nodes, rows: data.table ? data.table.rows : null });

    function restore() {
      var saved = JSON.parse(original);
      saved.nodes.forEach(function (n, i) { nodes[i] = n; });
      if (data.table) data.table.rows = saved.rows;
    }

    function paint(result) {
      nodes.forEach(function (n, i) {
        n.value = fmt(result.value[i]);
        n.grads = [[0, fmt(result.grad[i])]];
        n.gradAt = 0;
        n.grad = fmt(result.grad[i]);
        Object.keys(n.shares).forEach(function (key) { n.shares[key] = [0, fmt(result.shares[key])]; });
        if (n.total !== null) {
          var terms = result.order.filter(function (t) { return t[0] === i; })
            .map(function (t) { return fmt(t[1]); });
          n.totals = [[0, n.name + ".grad = " + sumText(terms, fmt(result.grad[i]), nd.maxTerms)]];
        }
        if (data.table) {
          var row = data.table.rows[i];
          if (data.table.data !== null) row[data.table.data] = n.value;
          if (data.table.grad !== null) row[data.table.grad] = n.grad;
        }
      });
    }

    function update() {
      restore();
      var leafValues = {}, lines = [], linear = 0, bad = null, changed = false;
      inputs.forEach(function (input) {
        var i = +input.getAttribute("data-node"), x = Number(input.value.trim());
        if (input.value.trim() === "" || !isFinite(x)) { bad = nodes[i].name; return; }
        if (x === nd.values[i]) return;
        changed = true;
        var h = x - nd.values[i];
        leafValues[i] = x;
        linear += nd.grads[i] * h;
        lines.push(nodes[i].name + ": " + fmt(nd.values[i]) + " → " + fmt(x) + " (h = " + fmt(h) +
                   ", ∂" + data.output + "/∂" + nodes[i].name + " = " + fmt(nd.grads[i]) + ")");
      });
      if (bad !== null) {
        message.textContent = "Type a number for " + bad + ".";
        return;
      }
      if (!changed) {
        root.removeAttribute("data-cr-nudged");
        api.result = null;
        message.textContent = "";
        panel.removeAttribute("data-delta");
        panel.removeAttribute("data-linear");
        stepper.show(stepper.step());
        return;
      }
      var result = run(nd, ops, leafValues);
      api.result = result;
      var root_ = nd.nodes.length - 1, delta = result.value[root_] - nd.values[root_];
      paint(result);
      stepper.stop();
      root.setAttribute("data-cr-nudged", "1");
      stepper.show(stepper.last);
      panel.setAttribute("data-delta", String(delta));
      panel.setAttribute("data-linear", String(linear));
      var summary = lines.join("\n") + "\n" + data.output + ": " + fmt(nd.values[root_]) + " → " +
        fmt(result.value[root_]) + "\nΔ" + data.output + " = " + fmt(delta) +
        "\ngrad·h = Σ ∂" + data.output + "/∂leaf · h = " + fmt(linear) +
        "\ndifference = " + fmt(delta - linear);
      message.textContent = summary;
      root.querySelector(".cr-text").textContent =
        "Nudged: every value and gradient below is recomputed for the new leaf values.\n" +
        summary + "\n(Reset to step through the passes again.)";
    }

    inputs.forEach(function (input) {
      input.addEventListener("change", update);
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); update(); }
        e.stopPropagation();
      });
    });
    panel.querySelector(".cr-nudge-reset").addEventListener("click", function () {
      inputs.forEach(function (input) { input.value = input.getAttribute("data-original"); });
      update();
    });
    var api = root.crNudge = { format: formatNumber, update: update, result: null };
  }

  document.querySelectorAll(".chainrule-stepper").forEach(mount);
})();
