// The page works without this file (plain forms); with it: drag and drop, one request per file
// with its own message, the English toggle, print buttons, the results brought into view, the
// Buddhist-era date beside each date field.
"use strict";

const english = localStorage.getItem("ita-english") !== "hidden";
document.documentElement.classList.toggle("th-only", !english);

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("lang")?.addEventListener("click", () => {
    const hidden = document.documentElement.classList.toggle("th-only");
    localStorage.setItem("ita-english", hidden ? "hidden" : "shown");
  });
  document.querySelectorAll("button.print").forEach(b => b.addEventListener("click", () => window.print()));
  document.querySelectorAll("a.back").forEach(a => a.addEventListener("click", e => { e.preventDefault(); history.back(); }));
  document.querySelectorAll("input.auto-submit").forEach(input =>  // replace one file, check again
    input.addEventListener("change", () => input.files.length && send(input.form, [...input.files], statusOf(input.form))));
  document.querySelectorAll("form.drop").forEach(setUpDrop);
  document.querySelectorAll("input.be-date").forEach(input => {
    const shown = input.parentElement.querySelector("output.be");
    input.addEventListener("input", () => { shown.textContent = buddhistDate(input.value); });
  });
  const nav = document.querySelector("nav.steps"), here = nav?.querySelector("a.here");
  if (here) nav.scrollLeft = here.offsetLeft - (nav.clientWidth - here.offsetWidth) / 2;  // a phone: this step in sight
  showResults();
});

// What a button or an upload produced is brought into view (and focus), not left below the fold.
function showResults() {
  const wanted = sessionStorage.getItem("ita-show");
  sessionStorage.removeItem("ita-show");
  const target = document.getElementById(wanted || location.hash.slice(1));
  if (!target) return;
  target.scrollIntoView({block: "start"});
  target.focus({preventScroll: true});
}

const MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
                "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];

function buddhistDate(iso) {  // 2023-03-22 → ๒๒ มีนาคม ๒๕๖๖, as thai.thai_date writes it
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return "";
  const text = `${Number(match[3])} ${MONTHS[Number(match[2]) - 1]} ${Number(match[1]) + 543}`;
  return text.replace(/\d/g, d => "๐๑๒๓๔๕๖๗๘๙"[d]);
}

function setUpDrop(form) {
  const input = form.querySelector("input[type=file]");
  const status = form.querySelector(".upload-status");
  ["dragenter", "dragover"].forEach(type => form.addEventListener(type, e => {
    e.preventDefault();
    form.classList.add("over");
  }));
  ["dragleave", "drop"].forEach(type => form.addEventListener(type, () => form.classList.remove("over")));
  form.addEventListener("drop", e => {
    e.preventDefault();
    send(form, [...e.dataTransfer.files], status);
  });
  form.addEventListener("submit", e => {
    e.preventDefault();
    send(form, [...input.files], status);
  });
}

async function send(form, files, status) {
  if (!files.length) {
    status.textContent = "ยังไม่ได้เลือกไฟล์ / no file was chosen";
    return;
  }
  if (!input_multiple(form)) files = files.slice(0, 1);
  const csrf = form.querySelector("input[name=csrf]").value;
  const replace = form.querySelector("input[name=replace]")?.value;
  const failed = [];
  let stored = 0;
  for (const [i, file] of files.entries()) {
    status.textContent = `กำลังส่ง ${i + 1} จาก ${files.length} ไฟล์ / sending ${i + 1} of ${files.length}: ${file.name}`;
    const body = new FormData();
    body.append("csrf", csrf);
    body.append("file", file, file.name);
    if (replace) body.append("replace", replace);
    try {
      const response = await fetch(form.action, {method: "POST", body, headers: {"Accept": "application/json", "X-CSRF-Token": csrf}});
      const answer = await response.json().catch(() => ({error: `HTTP ${response.status}`}));
      if (response.ok) stored += 1; else failed.push(answer.error || `HTTP ${response.status}`);
    } catch (err) {
      failed.push(`ส่ง ${file.name} ไม่สำเร็จ / could not send ${file.name}`);
    }
  }
  if (failed.length) {
    status.classList.add("failed");
    status.setAttribute("role", "alert");
    status.innerHTML = "";
    failed.forEach(message => { const p = document.createElement("span"); p.textContent = message; status.append(p); });
    if (stored) {
      const again = document.createElement("a");
      again.href = location.pathname;
      again.textContent = `ส่งแล้ว ${stored} ไฟล์ ดูรายการ / ${stored} stored: show them`;
      status.append(again);
    }
    return;
  }
  const auto = form.dataset.auto;
  if (auto) {  // check what was just sent at once
    const run = document.createElement("form");
    run.method = "post";
    run.action = form.action.replace(/\/files\/[^/]+$/, "/" + auto);
    run.innerHTML = `<input type="hidden" name="csrf">`;
    run.querySelector("input").value = csrf;
    document.body.append(run);
    run.submit();
  } else {  // the list of files, in view once the page is loaded again
    sessionStorage.setItem("ita-show", form.dataset.list);
    location.reload();
  }
}

function statusOf(form) {  // a replace form shows its answer in the page's upload box
  return document.querySelector("form.drop .upload-status") || document.createElement("p");
}

function input_multiple(form) {
  return form.querySelector("input[type=file]").multiple;
}
