// greenpark dashboard, reports page: start a report (gp.post sends the CSRF header), show each run's stages,
// poll the runs still queued or running and reload the page when one ends (its download links are then listed).
"use strict";
function gpReports(text) {
  const name = (stage) => text.names[stage] || stage;

  function progressText(stages) {
    const states = Object.entries(stages || {});
    const finished = states.filter(([, s]) => s !== "start").length;
    const now = states.filter(([, s]) => s === "start").map(([k]) => name(k));
    const notes = states.filter(([, s]) => s === "skipped" || s === "failed")
      .map(([k, s]) => `${name(k)}: ${s === "skipped" ? text.skipped : text.failed}`);
    let out = text.progress.replace("{done}", finished).replace("{total}", text.stages.length);
    if (now.length) out += ` · ${text.now} ${now.join(", ")}`;
    if (notes.length) out += ` · ${notes.join(", ")}`;
    return out;
  }

  function show(row, run) {
    row.dataset.status = run.status;
    row.querySelector(".status").textContent = text.status[run.status] || run.status;
    row.querySelector(".progress").textContent = run.error ? run.error : progressText(run.stages);
  }

  function follow(row) {
    const tick = async () => {
      try {
        const r = await fetch(row.dataset.url, {credentials: "same-origin"});
        if (r.ok) {
          const run = await r.json();
          show(row, run);
          if (run.status === "done" || run.status === "failed") { window.location.reload(); return; }
        }
      } catch (e) { /* the next poll may succeed */ }
      setTimeout(tick, text.poll_ms);
    };
    setTimeout(tick, text.poll_ms);
  }

  document.querySelectorAll("tr[data-report]").forEach((row) => {
    show(row, {status: row.dataset.status, stages: JSON.parse(row.dataset.stages || "{}"), error: row.dataset.error || null});
    if (row.dataset.status === "queued" || row.dataset.status === "running") follow(row);
  });

  const form = document.getElementById("report-form");
  if (form) form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const button = form.querySelector("button[type=submit]");
    const error = document.getElementById("report-error");
    button.disabled = true;
    error.hidden = true;
    const r = await gp.post(`/api/v1/parks/${form.dataset.park}/reports`,
      {year: Number(form.year.value), lang: form.lang.value, pdf: form.pdf.checked});
    if (r.status === 202) { window.location.reload(); return; }
    const problem = await r.json().catch(() => ({}));
    error.textContent = `${text.start_failed} ${problem.detail || r.status}`;
    error.hidden = false;
    button.disabled = false;
  });
}
