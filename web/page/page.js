// The page only: picks a file, hands its bytes to the WebAssembly core
// (selfeval's own checks, in a worker so the page never freezes), and
// shows what comes back. No rule and no message is written here.
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
    self.onmessage = async (e) => {
      const m = e.data;
      if (m.init) {
        try { await wasm_bindgen({ module_or_path: m.init }); postMessage({ ready: wasm_bindgen.about() }); }
        catch (err) { postMessage({ failed: String(err) }); }
        return;
      }
      try {
        if (m.selftestPanic) wasm_bindgen.selftest_panic();
        if (m.selftestHang) for (;;) {}
        const out = wasm_bindgen.check(m.name, new Uint8Array(m.bytes), m.now);
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
        else if (state.pending && e.data.seq === state.pending.seq) state.pending.done(e.data);
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

  function run(name, bytes, extra) {
    const seq = ++state.seq;
    return new Promise((resolve) => {
      const limit = state.limitMs;
      const timer = setTimeout(() => {
        state.pending = null;
        restart();
        resolve({ error: `“${name}”检查超过 ${limit / 1000} 秒仍未完成，已停止。请确认这是自评表文件；如确是，请联系省厅。` });
      }, limit);
      state.pending = { seq, done: (r) => { clearTimeout(timer); state.pending = null; resolve(r); } };
      state.worker.postMessage(Object.assign({ seq, name, bytes, now: nowIso() }, extra), [bytes]);
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

  async function handle(file, extra, note) {
    if (!file) return;
    state.last = null;
    $("result").hidden = true;
    status(`正在检查“${file.name}”…`);
    const t0 = performance.now();
    let r;
    try {
      await state.ready;
      r = await run(file.name, await file.arrayBuffer(), extra);
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
  state.selftestPanic = (file) => handle(file, { selftestPanic: true });
  state.selftestHang = (file) => handle(file, { selftestHang: true });

  $("pick").addEventListener("change", (e) => { handle(e.target.files[0]); e.target.value = ""; });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const files = e.dataTransfer.files;
    const note = files.length > 1 ? `一次只能检查一个文件，拖入的 ${files.length} 个文件中只检查了第一个。` : "";
    handle(files[0], undefined, note);
  });
  // A file dropped outside the box must not make the browser leave the page.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());

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
    document.body.dataset.ready = "1";
    status("请选择或拖入一个自评表文件。");
  }, (e) => {
    $("about").textContent = "校验程序未能加载";
    status(`校验程序未能加载（${e.message || e}）。${BROWSERS}`, true);
  });
})();
