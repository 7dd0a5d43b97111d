// Portico dashboard: reads the admin listener's /portico/ endpoints.
// Every value is put in the page with textContent, never as HTML.
"use strict";

const $ = (sel) => document.querySelector(sel);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

async function getJSON(url) {
  const r = await fetch(url, { headers: { accept: "application/json" } });
  if (!r.ok) throw new Error(url + ": " + r.status);
  return r.json();
}

function fmt(v) { return v === null || v === undefined ? "–" : String(v); }

// ---- navigation ----
const loaders = {};
let current = "apis";
function show(view) {
  current = view;
  document.querySelectorAll("#nav button").forEach((b) => b.classList.toggle("active", b.dataset.view === view));
  document.querySelectorAll(".view").forEach((s) => s.classList.toggle("active", s.id === "view-" + view));
  if (loaders[view]) loaders[view]();
  history.replaceState(null, "", "#" + view);
}
document.querySelectorAll("#nav button").forEach((b) => b.addEventListener("click", () => show(b.dataset.view)));

// ---- APIs ----
let apis = [];
loaders.apis = async () => {
  apis = (await getJSON("portico/apis")).apis;
  const root = $("#apis");
  root.replaceChildren();
  for (const a of apis) {
    const box = el("div", { class: "api", "data-api": a.id });
    box.append(el("h2", {}, a.id + " — " + a.title + " (" + a.protocol + ")"));
    box.append(el("div", { class: "hint" }, "source: " + a.source + (a.apiKeySource ? " · API key source: " + a.apiKeySource : "")));
    for (const w of a.warnings) {
      box.append(el("div", { class: "warning" }, "⚠ " + w.file + (w.line ? ":" + w.line : "") + (w.pointer ? " " + w.pointer : "") + ": " + w.message));
    }
    const st = el("table", { class: "stages" }, el("thead", {}, el("tr", {}, el("th", {}, "Stage"), el("th", {}, "Variables"), el("th", {}, "Logging"), el("th", {}, "Access log"), el("th", {}, "Throttle and cache settings"))));
    const sb = el("tbody");
    for (const s of a.stages) {
      const ms = s.methodSettings.map((m) => m.resourcePath + " " + m.httpMethod + ": rate " + fmt(m.throttlingRateLimit) + ", burst " + fmt(m.throttlingBurstLimit) +
          (m.cachingEnabled !== undefined ? ", caching " + (m.cachingEnabled ? "on" : "off") : "") + (m.cacheTtlInSeconds !== undefined ? ", cache TTL " + m.cacheTtlInSeconds + " s" : ""))
        .concat((s.routeSettings || []).map((r) => r.routeKey + ": rate " + fmt(r.throttlingRateLimit) + ", burst " + fmt(r.throttlingBurstLimit))).join("; ");
      sb.append(el("tr", {}, el("td", {}, s.name), el("td", {}, s.variables.join(", ")), el("td", {}, s.loggingLevel + (s.dataTraceEnabled ? " + data trace" : "")), el("td", {}, s.accessLog ? "custom" : "default"), el("td", {}, (s.cache ? "cache " + s.cache.size + " GB, TTL " + s.cache.ttl + " s; " : "") + ms)));
    }
    st.append(sb);
    box.append(st);
    const t = el("table", { class: "resources" }, el("thead", {}, el("tr", {}, el("th", {}, a.protocol === "HTTP" ? "Route" : "Resource"), el("th", {}, "Method"), el("th", {}, "Integration"), el("th", {}, "Authorization"), el("th", {}, "API key"), el("th", {}, "Validator"), el("th", {}, "Throttle"), el("th", {}, "Defined at"))));
    const tb = el("tbody");
    for (const r of a.resources) {
      const path = el("span", { class: "res" }, "\u00a0".repeat(r.depth * 2) + r.path);
      if (r.methods.length === 0) { tb.append(el("tr", {}, el("td", {}, path), el("td", { colSpan: 7 }))); continue; }
      r.methods.forEach((m, i) => {
        const auth = m.authorization + (m.authorizer ? " (" + m.authorizer + (m.authorizerType ? ", " + m.authorizerType : "") + ")" : "");
        const val = m.validator ? m.validator.name + " (" + [m.validator.body ? "body" : "", m.validator.parameters ? "parameters" : ""].filter(Boolean).join(", ") + ")" : "";
        const thr = m.throttle ? Object.entries(m.throttle).map(([s, l]) => s + ": " + l.rateLimit + "/s, burst " + l.burstLimit).join("; ") : "";
        tb.append(el("tr", { "data-route": m.httpMethod + " " + r.path },
          el("td", {}, i === 0 ? path : ""), el("td", {}, m.routeKey || m.httpMethod),
          el("td", {}, el("span", { class: "tag" }, m.integration), " ", el("span", { class: "hint" }, m.integrationUri || "")),
          el("td", {}, m.authorization === "NONE" ? "NONE" : el("span", { class: "tag auth" }, auth)),
          el("td", {}, m.apiKeyRequired ? el("span", { class: "tag key" }, "required") : ""),
          el("td", {}, val), el("td", {}, thr), el("td", { class: "hint" }, m.source || "")));
      });
    }
    t.append(tb);
    box.append(t);
    root.append(box);
  }
  fillTryRoutes();
};

// ---- traffic ----
let charts = null;
function chartOpts(title, series, width) {
  return { width: width, height: 220, series: [{}].concat(series), axes: [{}, { size: 50 }], legend: { show: true }, scales: { x: { time: true } } };
}
function fillSelect(sel, values) {
  const cur = sel.value;
  sel.replaceChildren(el("option", { value: "" }, "all"));
  for (const v of values) sel.append(el("option", { value: v }, v));
  if (values.includes(cur)) sel.value = cur;
}
loaders.traffic = async () => {
  const q = new URLSearchParams();
  for (const k of ["api", "stage", "route"]) { const v = $("#traffic-" + k).value; if (v) q.set(k, v); }
  const t = await getJSON("portico/traffic?" + q);
  const all = await getJSON("portico/traffic");
  fillSelect($("#traffic-api"), [...new Set(all.routes.map((r) => r.api))]);
  fillSelect($("#traffic-stage"), [...new Set(all.routes.map((r) => r.stage))]);
  fillSelect($("#traffic-route"), [...new Set(all.routes.map((r) => r.route))]);
  const reqData = [t.minutes, t.requests, t["4xx"], t["5xx"]];
  const latData = [t.minutes, t.p50, t.p99];
  const w = Math.max(300, ($("#view-traffic").clientWidth - 40) / 2);
  if (!charts) {
    charts = {
      req: new uPlot(chartOpts("requests", [{ label: "requests", stroke: "#2e5aac", points: { show: true, size: 5 } }, { label: "4XX", stroke: "#b54708", points: { show: true, size: 5 } }, { label: "5XX", stroke: "#b42318", points: { show: true, size: 5 } }], w), reqData, $("#chart-requests")),
      lat: new uPlot(chartOpts("latency", [{ label: "p50 ms", stroke: "#067647", points: { show: true, size: 6 } }, { label: "p99 ms", stroke: "#7a2e0e", points: { show: true, size: 6 } }], w), latData, $("#chart-latency")),
    };
  } else {
    charts.req.setData(reqData);
    charts.lat.setData(latData);
  }
  const rb = $("#traffic-routes tbody");
  rb.replaceChildren(...t.routes.map((r) => el("tr", { "data-route": r.route },
    el("td", {}, r.api), el("td", {}, r.stage), el("td", {}, r.route), el("td", { class: "num" }, r.requests),
    el("td", { class: "num" }, r["4xx"]), el("td", { class: "num" }, r["5xx"]), el("td", { class: "num" }, fmt(r.p50)), el("td", { class: "num" }, fmt(r.p99)))));
  const tyb = $("#traffic-types tbody");
  tyb.replaceChildren(...t.responseTypes.map((x) => el("tr", { "data-type": x.responseType }, el("td", {}, x.responseType), el("td", { class: "num" }, x.count))));
};
for (const k of ["api", "stage", "route"]) $("#traffic-" + k).addEventListener("change", () => loaders.traffic());

// ---- live tail ----
let source = null;
const maxRows = 500;
function connectTail() {
  if (source) source.close();
  const q = new URLSearchParams();
  const api = $("#tail-api").value.trim(), cls = $("#tail-class").value, route = $("#tail-route").value.trim();
  if (api) q.set("api", api);
  if (cls) q.set("class", cls);
  if (route) q.set("route", route);
  $("#tail-rows").replaceChildren();
  $("#tail-state").textContent = "connecting…";
  source = new EventSource("portico/tail?" + q);
  source.onopen = () => { $("#tail-state").textContent = "live"; };
  source.onerror = () => { $("#tail-state").textContent = "disconnected, retrying…"; };
  source.onmessage = (ev) => {
    const e = JSON.parse(ev.data);
    const tr = el("tr", { "data-request-id": e.requestId, "data-status": e.status },
      el("td", {}, e.time.slice(11, 23)), el("td", {}, e.method), el("td", { class: "res" }, e.path),
      el("td", { class: "status s" + String(e.status)[0] }, e.status), el("td", { class: "num" }, e.latencyMs.toFixed(1)),
      el("td", { class: "type" }, e.responseType || ""), el("td", { class: "reason" }, e.reason || ""));
    tr.addEventListener("click", () => showExec(tr, e));
    const body = $("#tail-rows");
    body.prepend(tr);
    while (body.children.length > maxRows) body.lastChild.remove();
  };
}
async function showExec(tr, e) {
  document.querySelectorAll("#tail-rows tr.selected").forEach((r) => r.classList.remove("selected"));
  tr.classList.add("selected");
  const d = await getJSON("portico/requests/" + encodeURIComponent(e.requestId) + "/log");
  const box = $("#tail-detail");
  box.replaceChildren(el("h3", {}, e.method + " " + e.path + " → " + e.status), el("div", { class: "hint" }, "request id " + e.requestId + (e.route ? " · route " + e.route : "")));
  if (e.reason) box.append(el("p", {}, e.responseType + ": " + e.reason));
  if (d.lines.length === 0) box.append(el("p", { class: "hint" }, "No execution-log lines kept for this request (the stage's loggingLevel is OFF, or the lines have rotated out)."));
  else box.append(el("pre", { id: "exec-lines" }, d.lines.map((l) => l.time.slice(11, 23) + " " + l.level + " " + l.message).join("\n")));
}
loaders.tail = () => { if (!source) connectTail(); };
for (const id of ["#tail-api", "#tail-route"]) $(id).addEventListener("change", connectTail);
$("#tail-class").addEventListener("change", connectTail);

// ---- keys ----
loaders.keys = async () => {
  const d = await getJSON("portico/keys");
  const tb = $("#keys tbody");
  const rows = [];
  for (const k of d.keys) {
    const plans = k.plans.length ? k.plans : [null];
    for (const p of plans) {
      const q = p && p.quota;
      let bar = "";
      if (q) {
        const pct = q.limit > 0 ? Math.min(100, (100 * q.used) / q.limit) : 100;
        const fill = el("div", { class: "fill" + (q.remaining === 0 ? " full" : "") });
        fill.style.width = pct + "%";
        bar = el("span", {}, el("span", { class: "quota-bar", "data-used": q.used, "data-limit": q.limit }, fill), " " + q.used + " / " + q.limit + " per " + q.period.toLowerCase());
      }
      rows.push(el("tr", { "data-key": k.name, "data-plan": p ? p.name : "" },
        el("td", {}, k.name), el("td", { class: "res" }, k.value), el("td", {}, k.enabled ? "yes" : "no"),
        el("td", {}, p ? p.name : "(no plan)"), el("td", {}, p ? p.stages.join(", ") : ""),
        el("td", {}, p && p.throttle ? p.throttle.rateLimit + "/s, burst " + p.throttle.burstLimit : ""),
        el("td", {}, bar, p && p.error ? el("span", { class: "warning" }, " " + p.error) : ""),
        el("td", { class: "num remaining" }, q ? q.remaining : ""), el("td", {}, q ? q.resetsAt : "")));
    }
  }
  tb.replaceChildren(...rows);
};

// ---- functions ----
loaders.functions = async () => {
  const d = await getJSON("portico/functions");
  $("#functions tbody").replaceChildren(...d.functions.map((f) => el("tr", { "data-function": f.name },
    el("td", {}, f.name), el("td", {}, f.runtime), el("td", { class: "num" }, f.warm), el("td", { class: "num" }, f.busy),
    el("td", { class: "num" }, f.reservedConcurrency || "–"), el("td", { class: "num" }, f.invocations),
    el("td", { class: "num" }, f.coldStarts), el("td", { class: "num" }, f.errors),
    el("td", {}, f.lastError ? el("pre", {}, (f.lastErrorAt || "") + "\n" + f.lastError) : ""))));
};

// ---- try it ----
function fillTryRoutes() {
  const dl = $("#try-routes");
  dl.replaceChildren();
  for (const a of apis) for (const s of a.stages) for (const r of a.resources) if (r.methods.length) dl.append(el("option", { value: "/" + s.name + r.path }));
}
$("#try-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const headers = $("#try-headers").value.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const i = l.indexOf(":");
    return i < 0 ? [l, ""] : [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  });
  const body = { method: $("#try-method").value, path: $("#try-path").value.trim(), headers: headers, body: $("#try-body").value };
  const r = await fetch("portico/try", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const d = await r.json();
  $("#try-result").hidden = false;
  if (!r.ok) {
    $("#try-status").textContent = "not sent";
    $("#try-latency").textContent = "";
    $("#try-headers-out").textContent = d.message;
    $("#try-body-out").textContent = "";
    return;
  }
  $("#try-status").textContent = String(d.status) + (d.aborted ? " (broken off)" : "");
  $("#try-status").className = "s" + String(d.status)[0];
  $("#try-latency").textContent = d.latencyMs.toFixed(1) + " ms";
  $("#try-headers-out").textContent = d.headers.map(([k, v]) => k + ": " + v).join("\n");
  $("#try-body-out").textContent = (d.base64 ? "(base64) " : "") + d.body + (d.truncated ? "\n… (truncated)" : "");
});

// ---- refresh ----
setInterval(() => { if (current === "traffic" || current === "keys" || current === "functions") loaders[current]().catch(() => {}); }, 5000);
const first = location.hash.slice(1);
loaders.apis().catch(console.error);
show(loaders[first] ? first : "apis");
