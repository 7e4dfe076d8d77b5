// greenpark dashboard: sign-in, sign-out, alert actions (CSRF header), charts, the WWTP live poll, pending figures.
"use strict";
const gp = (() => {
  const lang = document.body.dataset.lang || "en";
  // Live figures use the separators the server's formatter (greenpark.i18n, Babel/CLDR) put on <body>, so the
  // browser writes numbers exactly as the server-rendered pages do.
  const decimal = document.body.dataset.decimal || ".", group = document.body.dataset.group || ",";
  const fmt = (v, d) => v === null || v === undefined ? "–" :
    new Intl.NumberFormat("en-US", {minimumFractionDigits: d ?? 0, maximumFractionDigits: d ?? 2}).format(v)
      .replace(/[,.]/g, (c) => (c === "," ? group : decimal));
  const csrf = () => {
    const m = document.cookie.match(/(?:^|;\s*)greenpark_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  };
  const post = (url, body) => fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf()},
    body: body === undefined ? "{}" : JSON.stringify(body),
  });
  const layout = (extra) => Object.assign({margin: {l: 60, r: 10, t: 10, b: 50}, autosize: true,
    font: {family: "system-ui, sans-serif", size: 13, color: "#1a2421"}, legend: {orientation: "h"},
    separators: decimal + group}, extra || {});
  const config = {responsive: true, displaylogo: false, displayModeBar: false};  // its tooltips are English-only

  function barChart(id, bars, labels) {
    const el = document.getElementById(id);
    if (!el || !window.Plotly) return;
    const rows = Object.entries(bars).sort((a, b) => a[1] - b[1]);
    el.style.height = `${Math.max(240, 40 + 34 * rows.length)}px`;
    const trace = {type: "bar", orientation: "h", name: labels.name, marker: {color: "#0b5d3b"},
      y: rows.map((r) => r[0]), x: rows.map((r) => r[1])};
    Plotly.newPlot(el, [trace], layout({margin: {l: 10, r: 20, t: 10, b: 40}, showlegend: false,
      yaxis: {automargin: true}, xaxis: {title: {text: labels.unit}}}), config);
  }

  function lineChart(id, series, labels) {
    const el = document.getElementById(id);
    if (!el || !window.Plotly) return;
    const traces = Object.entries(series).map(([kind, xy]) => ({
      type: "scatter", mode: "lines", name: labels[kind] || kind, x: xy[0], y: xy[1]}));
    Plotly.newPlot(el, traces, layout({yaxis: {title: {text: labels.unit}}, xaxis: {tickformat: "%Y-%m-%d"}}), config);  // numeric dates: Plotly names months in English
    const heat = document.getElementById("heatmap-chart");
    const elec = series.electricity_import;
    if (!heat || !elec) return;
    const days = [...new Set(elec[0].map((x) => x.slice(0, 10)))];
    const z = days.map(() => new Array(24).fill(null));
    elec[0].forEach((x, i) => { z[days.indexOf(x.slice(0, 10))][Number(x.slice(11, 13))] = elec[1][i]; });
    Plotly.newPlot(heat, [{type: "heatmap", x: [...Array(24).keys()], y: days, z, colorscale: "YlGnBu",
      colorbar: {title: {text: "kWh"}}}], layout({xaxis: {title: {text: labels.hour}, dtick: 2},
      yaxis: {automargin: true, tickformat: "%Y-%m-%d"}, margin: {l: 10, r: 10, t: 10, b: 50}}), config);
  }

  function wwtpLive(text) {
    const sections = document.querySelectorAll("section.wwtp");
    if (!sections.length) return;
    const poll = Number(sections[0].dataset.poll || 5) * 1000;
    async function refresh(sec) {
      const end = new Date(Date.now() + 5 * 60000);
      const start = new Date(end.getTime() - 24 * 3600000 - 5 * 60000);
      const q = new URLSearchParams({start: start.toISOString(), end: end.toISOString(), point: "outlet", method: "analyser"});
      const r = await fetch(`/api/v1/parks/${sec.dataset.park}/wwtps/${sec.dataset.wwtp}/series?${q}`, {credentials: "same-origin"});
      if (!r.ok) return;
      const body = await r.json();
      const tbody = sec.querySelector("table.latest tbody");
      const charts = sec.querySelector(".charts");
      const rows = [];
      for (const s of body.data) {
        const last = s.points[s.points.length - 1];
        const limit = s.limit_max ?? s.limit_min;
        const pname = (text.params || {})[s.parameter] || s.parameter;
        const unit = (text.units || {})[s.unit] || s.unit || "";
        rows.push(`<tr data-parameter="${s.parameter}"><td>${pname}</td><td class="n">${last ? fmt(last.value) : "–"}</td>` +
          `<td>${unit}</td><td class="n">${limit === null || limit === undefined ? "–" : fmt(limit)}</td>` +
          `<td>${last ? new Date(last.ts).toLocaleString(lang, {timeZone: document.body.dataset.tz || undefined}) : ""}</td></tr>`);
        const id = `chart-${sec.dataset.wwtp}-${s.parameter}`;
        let el = document.getElementById(id);
        if (!el) {
          el = document.createElement("div");
          el.id = id; el.className = "chart"; el.setAttribute("role", "img");
          el.setAttribute("aria-label", `${pname} (${unit})`);
          charts.appendChild(el);
        }
        const x = s.points.map((p) => p.ts), y = s.points.map((p) => p.value);
        const traces = [{type: "scatter", mode: "lines+markers", name: pname, x, y, marker: {size: 4}}];
        for (const [key, name] of [["limit_max", "Cmax"], ["limit_min", "Cmin"]]) {
          if (s[key] !== null && s[key] !== undefined && x.length) {
            traces.push({type: "scatter", mode: "lines", name: `${text.limit} ${name}`, x: [start.toISOString(), end.toISOString()],
              y: [s[key], s[key]], line: {color: "#a4161a", dash: "dash"}});
          }
        }
        if (window.Plotly) Plotly.react(el, traces, layout({title: {text: `${pname} (${unit})`, font: {size: 14}},
          margin: {l: 50, r: 10, t: 36, b: 40}, xaxis: {range: [start.toISOString(), end.toISOString()], tickformat: "%H:%M"}}), config);
      }
      tbody.innerHTML = rows.length ? rows.join("") : `<tr><td colspan="5">${text.none}</td></tr>`;
      const upd = document.getElementById("wwtp-updated");
      if (upd) upd.textContent = `${text.updated} ${new Date().toLocaleTimeString(lang)}`;
    }
    const tick = () => Promise.all([...sections].map(refresh)).catch(() => {}).finally(() => setTimeout(tick, poll));
    tick();
  }

  // Sections marked data-pending hold figures an engine is still computing: ask for the page again and swap
  // in those sections (same ids) until none is pending; ``after`` runs once a section was replaced.
  function fillPending(after) {
    const pending = () => document.querySelectorAll("[data-pending][id]");
    const first = pending()[0];
    if (!first) return;
    const wait = Number(first.dataset.retry || 2000);
    const again = async () => {
      try {
        const r = await fetch(location.href, {credentials: "same-origin"});
        if (r.ok) {
          const doc = new DOMParser().parseFromString(await r.text(), "text/html");
          pending().forEach((el) => {
            const fresh = doc.getElementById(el.id);
            if (fresh && !fresh.hasAttribute("data-pending")) { el.replaceWith(fresh); if (after) after(); }
          });
        }
      } catch (e) { /* the next try may succeed */ }
      if (pending().length) setTimeout(again, wait);
    };
    setTimeout(again, wait);
  }

  function savingsChart() {
    const el = document.getElementById("savings-chart");
    if (!el || !window.Plotly || el.dataset.drawn) return;
    el.dataset.drawn = "1";
    const d = JSON.parse(el.dataset.chart || "{}");
    const text = gp.savingsLabels || {};
    if (!d.months || !d.months.length) return;
    const traces = [{type: "bar", name: text.actual, x: d.months, y: d.actual, marker: {color: "#0b5d3b"}}];
    if (d.predicted.some((v) => v !== null)) {
      traces.push({type: "scatter", mode: "lines+markers", name: text.predicted, x: d.months, y: d.predicted,
        line: {color: "#a4161a", dash: "dash"}});
      traces.push({type: "scatter", mode: "lines", name: text.cusum, x: d.months, y: d.cusum, yaxis: "y2",
        line: {color: "#555"}});
    }
    Plotly.newPlot(el, traces, layout({yaxis: {title: {text: text.unit}}, xaxis: {type: "category"},
      yaxis2: {title: {text: text.cusum}, overlaying: "y", side: "right", showgrid: false}}), config);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("login-form");
    if (form) form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const r = await fetch("/api/v1/auth/login", {method: "POST", headers: {"Content-Type": "application/json"},
        credentials: "same-origin", body: JSON.stringify({username: form.username.value, password: form.password.value})});
      if (r.ok) { window.location.assign("/"); } else { document.getElementById("login-error").hidden = false; }
    });
    const out = document.getElementById("logout");
    if (out) out.addEventListener("click", async () => { await post("/api/v1/auth/logout"); window.location.assign("/login"); });
    document.querySelectorAll("button[data-action]").forEach((b) => b.addEventListener("click", async () => {
      const park = location.pathname.split("/")[2];
      const r = await post(`/api/v1/parks/${park}/alerts/${b.dataset.alert}/${b.dataset.action}`);
      if (r.ok) { window.location.reload(); } else { document.getElementById("action-error").hidden = false; }
    }));
  });
  return {barChart, lineChart, wwtpLive, fmt, post, fillPending, savingsChart};
})();
