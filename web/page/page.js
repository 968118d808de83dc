// The page only: picks a file (地市自查) or a folder (省级汇总), hands the
// bytes to the WebAssembly core (selfeval's own code, in a worker so the
// page never freezes), and shows what comes back. No rule and no message
// is written here.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  // A file still being checked after this long is given up on (the CLI's
  // SE009 is 30 s of reading alone; the page also reads the file in).
  const state = { worker: null, ready: null, seq: 0, pending: null, urls: [], last: null, limitMs: 60000 };
  window.selfeval = state;

  // The wasm is gzip'd and base64'd into the page: file:// pages cannot fetch.
  async function wasmBytes() {
    const b64 = $("wasm").textContent.trim();
    const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const stream = new Blob([bin]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  const WORKER = `
    self.selfevalPanic = (m) => { self.lastPanic = m; };
    self.selfevalProgress = (done, total) => { if (self.seq) postMessage({ seq: self.seq, progress: [done, total] }); };
    self.onmessage = async (e) => {
      const m = e.data;
      if (m.init) {
        try { await wasm_bindgen({ module_or_path: m.init }); postMessage({ ready: wasm_bindgen.about() }); }
        catch (err) { postMessage({ failed: String(err) }); }
        return;
      }
      if (m.province) {
        self.seq = m.seq;
        try {
          const b = new wasm_bindgen.Batch();
          for (const f of m.files) b.add(f.path, new Uint8Array(f.bytes));
          if (m.register) b.register(m.register.path, new Uint8Array(m.register.bytes));
          for (const f of m.templates) b.template(f.path, new Uint8Array(f.bytes));
          const out = b.run(m.now);
          b.free();
          const view = JSON.parse(out.view());
          const zip = out.zip().buffer;
          out.free();
          postMessage({ seq: m.seq, view, zip }, [zip]);
        } catch (err) {
          postMessage({ seq: m.seq, error: self.lastPanic ? "程序内部错误：" + self.lastPanic : String(err), panicked: !!self.lastPanic });
        }
        self.seq = 0;
        return;
      }
      try {
        if (m.selftestPanic) wasm_bindgen.selftest_panic();
        if (m.selftestHang) for (;;) {}
        const c = new wasm_bindgen.CityFiles();
        for (const f of m.files) c.add(f.name, new Uint8Array(f.bytes));
        for (const f of m.templates || []) c.template(f.path, new Uint8Array(f.bytes));
        const out = c.check(m.now);
        c.free();
        const view = JSON.parse(out.view());
        const files = view.downloads.map((_, i) => out.download(i).buffer);
        postMessage({ seq: m.seq, view, report: out.report_json(), files }, files);
        out.free();
      } catch (err) {
        postMessage({ seq: m.seq, error: self.lastPanic ? "程序内部错误：" + self.lastPanic : String(err), panicked: !!self.lastPanic });
      }
    };`;

  let bytesCache = null;
  function startWorker() {
    const src = $("glue").textContent + "\n" + WORKER;
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: "text/javascript" })));
    state.worker = w;
    state.ready = new Promise((resolve, reject) => {
      w.onmessage = (e) => {
        if (e.data.ready) resolve(e.data.ready);
        else if (e.data.failed) reject(new Error(e.data.failed));
        else if (state.pending && e.data.seq === state.pending.seq) {
          if (e.data.progress) state.pending.progress && state.pending.progress(e.data.progress);
          else state.pending.done(e.data);
        }
      };
      w.onerror = (e) => { e.preventDefault(); reject(new Error(e.message || "工作线程无法启动")); };
      (bytesCache ? Promise.resolve(bytesCache) : wasmBytes().then((b) => (bytesCache = b)))
        .then((b) => w.postMessage({ init: b }), reject);
    });
    return state.ready;
  }

  function restart() {
    if (state.worker) state.worker.terminate();
    return startWorker();
  }

  function nowIso() {
    const d = new Date(), p = (n) => String(Math.abs(n)).padStart(2, "0");
    const off = -d.getTimezoneOffset(), sign = off >= 0 ? "+" : "-";
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` +
      `${sign}${p(Math.trunc(off / 60))}:${p(off % 60)}`;
  }

  function status(text, bad) {
    $("status").textContent = text;
    $("status").className = bad ? "bad" : "";
  }

  // A city's files: its form first, then its 自评报告 and the rest.
  function run(name, files, extra) {
    const seq = ++state.seq;
    return new Promise((resolve) => {
      const limit = state.limitMs;
      const timer = setTimeout(() => {
        state.pending = null;
        restart();
        resolve({ error: `“${name}”检查超过 ${limit / 1000} 秒仍未完成，已停止。请确认这是自评表文件；如确是，请联系省厅。` });
      }, limit);
      state.pending = { seq, done: (r) => { clearTimeout(timer); state.pending = null; resolve(r); } };
      state.worker.postMessage(Object.assign({ seq, files, now: nowIso() }, extra), files.map((f) => f.bytes));
    });
  }

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
  }

  function show(r) {
    for (const u of state.urls) URL.revokeObjectURL(u);
    state.urls = [];
    const v = r.view;
    $("result").className = v.level;
    $("city").textContent = v.city || "（未确定地市）";
    $("file").textContent = v.file;
    $("sent").textContent = v.sent.length ? v.sent.join("；") : "（只检查了自评表）";
    $("verdict").textContent = v.verdict;
    $("counts").textContent = `错误 ${v.errors} 个，警告 ${v.warnings} 个，提示 ${v.infos} 个`;
    const dl = $("downloads");
    dl.replaceChildren();
    v.downloads.forEach((name, i) => {
      const type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
      const url = URL.createObjectURL(new Blob([r.files[i]], { type }));
      state.urls.push(url);
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      a.textContent = (name.includes("_标注") ? "下载标注副本：" : "下载校验报告：") + name;
      dl.appendChild(a);
    });
    const list = $("list");
    list.replaceChildren();
    if (v.findings.length === 0) {
      const p = document.createElement("p");
      p.className = "none";
      p.textContent = "未发现问题。";
      list.appendChild(p);
    } else {
      const t = document.createElement("table");
      t.id = "findings";
      const widths = ["3.6em", "4em", "4.5em", "9em", "", "8em", "8em", "16em"];
      const cols = document.createElement("colgroup");
      for (const w of widths) { const c = document.createElement("col"); if (w) c.style.width = w; cols.appendChild(c); }
      t.appendChild(cols);
      const head = t.createTHead().insertRow();
      for (const h of ["序号", "级别", "代码", "工作表!单元格", "问题", "应为", "实为", "如何修改"]) {
        const th = document.createElement("th"); th.scope = "col"; th.textContent = h; head.appendChild(th);
      }
      const body = t.createTBody();
      v.findings.forEach((f, i) => {
        const tr = body.insertRow();
        tr.className = f.severity;
        tr.dataset.code = f.code;
        tr.dataset.place = f.place;
        cell(tr, String(i + 1));
        cell(tr, f.severity_zh, "sev");
        cell(tr, f.code);
        cell(tr, f.place || "（整个文件）");
        cell(tr, f.title && !f.message.startsWith(f.title) ? `${f.title}：${f.message}` : f.message);
        cell(tr, f.expected);
        cell(tr, f.found);
        cell(tr, f.fix);
      });
      list.appendChild(t);
    }
    $("result").hidden = false;
  }

  const WORKBOOK = /\.(xlsx|xlsm|xlsb|xls|ods)$/i;

  // The city's form (the first workbook among `picked`) with its other
  // files; a second workbook is left out and said so.
  async function handle(picked, extra, note) {
    const all = [...picked];
    const forms = all.filter((f) => WORKBOOK.test(f.name));
    const file = forms[0] || all[0];
    if (!file) return;
    const chosen = [file, ...all.filter((f) => f !== file && !WORKBOOK.test(f.name))];
    if (forms.length > 1) note = `一次只检查一份自评表，拖入的 ${forms.length} 份自评表中只检查了“${file.name}”。${note || ""}`;
    state.last = null;
    $("result").hidden = true;
    status(`正在检查“${file.name}”…`);
    const t0 = performance.now();
    let r;
    try {
      await state.ready;
      const files = await Promise.all(chosen.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
      const templates = await Promise.all(cityTemplates.map(async (f) => ({ path: f.webkitRelativePath || f.name, bytes: await f.arrayBuffer() })));
      r = await run(file.name, files, Object.assign({ templates }, extra));
    } catch (e) {
      r = { error: `无法读取“${file.name}”：${e.message || e}` };
    }
    const ms = Math.round(performance.now() - t0);
    if (r.error) {
      status(r.error, true);
      if (r.panicked) restart();
    } else {
      show(r);
      status(`已检查“${file.name}”（用时 ${ms} 毫秒）。${note || ""}`);
    }
    state.last = Object.assign({ ms }, r);
    document.body.dataset.checked = String(state.seq);
  }

  // The test's ways to make the core panic (web/src/lib.rs selftest_panic)
  // and the worker hang: the page must say so and go on.
  state.selftestPanic = (file) => handle([file], { selftestPanic: true });
  state.selftestHang = (file) => handle([file], { selftestHang: true });

  $("pick").addEventListener("change", (e) => { const f = [...e.target.files]; e.target.value = ""; handle(f); });
  // Another fund's template folder for a city's own check, as --templates.
  let cityTemplates = [];
  $("ctpl").addEventListener("change", (e) => {
    cityTemplates = [...e.target.files];
    e.target.value = "";
    const dir = cityTemplates.length ? (cityTemplates[0].webkitRelativePath || cityTemplates[0].name).split("/")[0] : "";
    $("cextras").textContent = dir ? `（按模板文件夹“${dir}”检查，${cityTemplates.length} 个文件）` : "";
  });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    handle(e.dataTransfer.files);
  });
  // A file dropped outside the box must not make the browser leave the page.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());

  // ───────────── 省级汇总：the province's whole run on a folder ─────────────
  const prov = { register: null, templates: [], url: null };
  state.province = prov;
  // What a dropped folder becomes once its entries are read: Files with
  // their paths. A test that cannot drop a folder (Firefox's Marionette
  // uploads files, not folders) hands the same Files here.
  state.provinceFiles = (files) => province(files);

  function pstatus(text, bad) {
    $("pstatus").textContent = text;
    $("pstatus").className = bad ? "bad" : "";
  }

  function mode(which) {
    const province = which === "province";
    $("mode-city").setAttribute("aria-selected", String(!province));
    $("mode-province").setAttribute("aria-selected", String(province));
    $("city-mode").hidden = province;
    $("province-mode").hidden = !province;
    document.body.dataset.mode = which;
  }
  $("mode-city").addEventListener("click", () => mode("city"));
  $("mode-province").addEventListener("click", () => mode("province"));

  // A file's path in what was dropped or picked ("材料/01_汕头市….xlsx").
  const pathOf = (f) => f.selfevalPath || f.webkitRelativePath || f.name;

  // Every file below a dropped folder, with its path (directory readers
  // hand out entries in batches until an empty one).
  async function entries(entry, prefix, out) {
    if (entry.isFile) {
      const file = await new Promise((ok, bad) => entry.file(ok, bad));
      file.selfevalPath = prefix + entry.name;
      out.push(file);
      return;
    }
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((ok, bad) => reader.readEntries(ok, bad));
      if (!batch.length) break;
      for (const e of batch) await entries(e, prefix + entry.name + "/", out);
    }
  }

  async function province(files) {
    if (!files.length) return;
    state.last = null;
    $("presult").hidden = true;
    const t0 = performance.now();
    pstatus(`正在读取 ${files.length} 个文件…`);
    const seq = ++state.seq;
    let r;
    try {
      await state.ready;
      const read = async (f) => ({ path: pathOf(f), bytes: await f.arrayBuffer() });
      const payload = [];
      for (const f of files) payload.push(await read(f));
      const register = prov.register ? await read(prov.register) : null;
      const templates = [];
      for (const f of prov.templates) templates.push(await read(f));
      const transfer = payload.map((f) => f.bytes);
      r = await new Promise((resolve) => {
        state.pending = {
          seq,
          done: (x) => { state.pending = null; resolve(x); },
          progress: ([done, total]) => pstatus(`正在校验：已完成 ${done}/${total} 个工作簿…`),
        };
        state.worker.postMessage({ province: true, seq, files: payload, register, templates, now: nowIso() }, transfer);
      });
    } catch (e) {
      r = { error: `无法读取所选文件：${e.message || e}` };
    }
    const ms = Math.round(performance.now() - t0);
    if (r.error) {
      pstatus(r.error, true);
      if (r.panicked) restart();
    } else {
      showProvince(r);
      pstatus(`已处理 ${files.length} 个文件（用时 ${ms} 毫秒）。请下载全部结果。`);
    }
    state.last = Object.assign({ ms, province: true }, r);
    document.body.dataset.summarised = String(seq);
  }

  function showProvince(r) {
    const v = r.view;
    if (prov.url) URL.revokeObjectURL(prov.url);
    prov.url = URL.createObjectURL(new Blob([r.zip], { type: "application/zip" }));
    $("pround").textContent = v.round;
    $("pbatch").textContent = v.batch;
    $("pbatch").hidden = !v.batch;
    $("preg-line").textContent = v.register;
    $("psetup").textContent = `使用：${v.templates}；参数：${v.params}`;
    $("pcounted").textContent = v.counted;
    const changes = v.cities.some((c) => c.change);
    const t = document.createElement("table");
    t.id = "cities";
    const cols = document.createElement("colgroup");
    for (const w of ["6em", "", "4em", "4em", "5.5em", "9em"].concat(changes ? ["16em"] : [])) {
      const c = document.createElement("col");
      if (w) c.style.width = w;
      cols.appendChild(c);
    }
    t.appendChild(cols);
    const head = t.createTHead().insertRow();
    const heads = ["城市", "文件", "错误", "警告", "计入合计", "状态"].concat(changes ? ["与上次相比"] : []);
    for (const h of heads) { const th = document.createElement("th"); th.scope = "col"; th.textContent = h; head.appendChild(th); }
    const body = t.createTBody();
    for (const c of v.cities) {
      const tr = body.insertRow();
      tr.dataset.city = c.city;
      cell(tr, c.city);
      cell(tr, c.file);
      cell(tr, String(c.errors));
      cell(tr, String(c.warnings));
      cell(tr, c.in_totals, c.in_totals === "否" ? "no" : "");
      cell(tr, c.status);
      if (changes) cell(tr, c.change);
    }
    $("ptable").replaceChildren(t);
    const loose = $("ploose");
    loose.replaceChildren();
    if (v.loose.length) {
      const p = document.createElement("p");
      p.textContent = "未采用或无法归属地市的文件：";
      const ul = document.createElement("ul");
      for (const l of v.loose) { const li = document.createElement("li"); li.textContent = l; ul.appendChild(li); }
      loose.append(p, ul);
    }
    $("pcounts").textContent = v.counts;
    $("pstate").textContent = v.state;
    $("pstate").className = v.state.includes("定稿") && !v.state.includes("草稿") ? "final" : "draft";
    $("pfinger").textContent = `指纹：${v.fingerprint}`;
    const a = $("zipdl");
    a.href = prov.url;
    a.download = v.zip;
    a.textContent = `下载全部结果：${v.zip}`;
    $("zipfiles").textContent = `压缩包内：${v.files.join("、")}`;
    $("presult").hidden = false;
  }

  function extrasLine() {
    const parts = [];
    if (prov.register) parts.push(`登记表：${pathOf(prov.register)}`);
    if (prov.templates.length) parts.push(`模板：${pathOf(prov.templates[0]).split("/")[0]}（${prov.templates.length} 个文件）`);
    const box = $("pextras");
    box.replaceChildren();
    if (!parts.length) return;
    box.append(`（已选 ${parts.join("；")}）`);
    const clear = document.createElement("button");
    clear.id = "pclear";
    clear.type = "button";
    clear.textContent = "不用这些，改回内置模板";
    clear.addEventListener("click", () => { prov.register = null; prov.templates = []; extrasLine(); });
    box.append(" ", clear);
  }

  $("pfolder").addEventListener("change", (e) => { const f = [...e.target.files]; e.target.value = ""; province(f); });
  $("pfiles").addEventListener("change", (e) => { const f = [...e.target.files]; e.target.value = ""; province(f); });
  $("preg").addEventListener("change", (e) => { prov.register = e.target.files[0] || null; e.target.value = ""; extrasLine(); });
  $("ptpl").addEventListener("change", (e) => { prov.templates = [...e.target.files]; e.target.value = ""; extrasLine(); });
  const pdrop = $("pdrop");
  pdrop.addEventListener("dragover", (e) => { e.preventDefault(); pdrop.classList.add("over"); });
  pdrop.addEventListener("dragleave", () => pdrop.classList.remove("over"));
  pdrop.addEventListener("drop", async (e) => {
    e.preventDefault();
    pdrop.classList.remove("over");
    const items = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    const files = [];
    try {
      for (const entry of items) await entries(entry, "", files);
    } catch (err) {
      pstatus(`无法读取拖入的文件夹：${err.message || err}`, true);
      return;
    }
    province(files.length ? files : [...e.dataTransfer.files]);
  });

  const BROWSERS = "请使用最新版 Chrome、Edge、Firefox 或 360/奇安信等浏览器的极速模式打开本页。";
  const missing = ["WebAssembly", "Worker", "DecompressionStream"].filter((n) => typeof window[n] === "undefined");
  if (missing.length) {
    $("about").textContent = "校验程序未能加载";
    status(`本浏览器版本过旧（不支持 ${missing.join("、")}），无法运行自查程序。${BROWSERS}`, true);
    return;
  }
  const t0 = performance.now();
  startWorker().then((about) => {
    state.loadMs = Math.round(performance.now() - t0);
    $("about").textContent = `校验依据：${about}`;
    $("pick").disabled = false;
    for (const id of ["pfolder", "pfiles", "preg", "ptpl", "ctpl"]) $(id).disabled = false;
    document.body.dataset.ready = "1";
    status("请选择或拖入一个自评表文件。");
  }, (e) => {
    $("about").textContent = "校验程序未能加载";
    status(`校验程序未能加载（${e.message || e}）。${BROWSERS}`, true);
  });
})();
