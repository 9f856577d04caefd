#include "api/detail/docs_page.hpp"

namespace wtf::api::detail {
namespace {

// Plant networks are often air-gapped: the page carries its own style and script, uses system
// fonts, and talks only to the origin that served it (the CSP in router.cpp enforces that). It
// builds the DOM with textContent, never innerHTML, so nothing in the document or in a response
// is run as markup.
constexpr std::string_view page = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wtfd API</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 64rem; padding: 1rem 1.5rem; color: #1d2327; background: #fff; }
h1 { margin-bottom: .2rem; } h1 small { font-size: .55em; color: #5a6570; font-weight: normal; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem 1rem; }
section.op { border: 1px solid #cfd6dc; border-radius: 6px; margin: 1.2rem 0; padding: .2rem 1rem 1rem; }
section.op h2 { font-size: 1.15rem; font-family: ui-monospace, monospace; }
.verb { display: inline-block; min-width: 3.6rem; padding: .1rem .4rem; border-radius: 4px; color: #fff; text-align: center; margin-right: .5rem; }
.verb.get { background: #2f6f9f; } .verb.post { background: #3b7d3b; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #e3e8ec; padding: .25rem .5rem; }
code, pre, textarea, input, select { font-family: ui-monospace, monospace; font-size: 13px; }
pre { background: #f4f6f8; padding: .5rem; overflow: auto; max-height: 24rem; white-space: pre-wrap; }
form.try { background: #f8fafb; border: 1px dashed #b9c3cc; border-radius: 6px; padding: .6rem; }
form.try label { display: block; margin: .2rem 0; } form.try label span { display: inline-block; min-width: 9rem; }
textarea { width: 100%; min-height: 6rem; box-sizing: border-box; }
.note { color: #5a6570; } .error { color: #a11; }
</style>
</head>
<body>
<h1 id="title">wtfd API</h1>
<p id="intro" class="note">Loading the API description from openapi.json&hellip;</p>
<noscript><p class="error">This page needs JavaScript; the raw description is at /openapi.json.</p></noscript>
<nav><ul id="index"></ul></nav>
<main id="ops"></main>
<h2 id="schemas-title" hidden>Schemas</h2>
<div id="schemas"></div>
<script>
"use strict";
(function () {
  const base = location.pathname.replace(/docs\/?$/, "");
  let spec = {};

  function el(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "text") e.textContent = v; else if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const kid of kids) if (kid !== null && kid !== undefined) e.append(kid);
    return e;
  }
  function resolve(o) {
    for (let n = 0; o && o.$ref && n < 16; ++n) {
      o = o.$ref.replace(/^#\//, "").split("/")
        .reduce((a, k) => (a || {})[k.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
    }
    return o || {};
  }
  function typeOf(s) {
    s = s || {};
    if (s.$ref) return s.$ref.split("/").pop();
    if (s.oneOf) return s.oneOf.map(typeOf).join(" | ");
    if (s.type === "array") return typeOf(s.items) + "[]";
    if (s.enum) return s.enum.join(" | ");
    return [].concat(s.type || "any").join(" | ");
  }
  function limits(s) {
    const out = [];
    if (s.minimum !== undefined || s.maximum !== undefined) out.push((s.minimum ?? "") + ".." + (s.maximum ?? ""));
    if (s.minLength !== undefined || s.maxLength !== undefined) out.push("length " + (s.minLength ?? 0) + ".." + (s.maxLength ?? ""));
    if (s.default !== undefined) out.push("default " + JSON.stringify(s.default));
    if (s.const !== undefined) out.push("always " + JSON.stringify(s.const));
    if (s.format) out.push(s.format);
    return out.join(", ");
  }
  function table(head, rows) {
    return el("table", {}, el("tr", {}, ...head.map(h => el("th", {text: h}))),
      ...rows.map(r => el("tr", {}, ...r.map(c => el("td", {}, c)))));
  }
  function code(t) { return el("code", {text: t}); }
  function auth(op) {
    const sec = op.security ?? spec.security ?? [];
    if (sec.length === 0) return "No token needed.";
    const names = sec.flatMap(Object.keys);
    const optional = sec.some(s => Object.keys(s).length === 0);
    return "Bearer token: " + names.join(" or ") + (optional ? " (only when configured)." : ".");
  }

  function tryForm(path, verb, op, params) {
    const form = el("form", {class: "try"}, el("strong", {text: "Try it"}));
    const inputs = [];
    for (const p of params) {
      const s = p.schema || {};
      let input;
      if (s.enum || s.type === "boolean") {
        input = el("select", {name: p.name}, el("option", {value: "", text: "(not set)"}),
          ...(s.enum || ["true", "false"]).map(v => el("option", {value: String(v), text: String(v)})));
      } else {
        input = el("input", {name: p.name, type: s.type === "integer" ? "number" : "text"});
        if (s.minimum !== undefined) input.min = s.minimum;
        if (s.maximum !== undefined) input.max = s.maximum;
      }
      inputs.push(input);
      form.append(el("label", {}, el("span", {text: p.name}), input));
    }
    let body, type;
    if (op.requestBody) {
      const content = resolve(op.requestBody).content || {};
      type = el("select", {name: "content-type"}, ...Object.keys(content).map(t => el("option", {value: t, text: t})));
      const example = t => { const e = (content[t] || {}).example; return typeof e === "string" ? e : JSON.stringify(e ?? {}, null, 1); };
      body = el("textarea", {name: "body"});
      body.value = example(type.value);
      type.addEventListener("change", () => { body.value = example(type.value); });
      form.append(el("label", {}, el("span", {text: "Content-Type"}), type), body);
    }
    const token = el("input", {name: "token", type: "password", autocomplete: "off"});
    if (op.security === undefined || op.security.length) {
      form.append(el("label", {}, el("span", {text: "Bearer token"}), token));
    }
    const out = el("pre", {hidden: ""});
    form.append(el("button", {type: "submit", text: "Send " + verb.toUpperCase() + " " + path}), out);
    form.addEventListener("submit", async ev => {
      ev.preventDefault();
      const query = new URLSearchParams();
      for (const i of inputs) if (i.value !== "") query.append(i.name, i.value);
      const url = base + path.replace(/^\//, "") + (query.toString() ? "?" + query : "");
      const headers = {};
      if (token.value) headers.Authorization = "Bearer " + token.value;
      if (type) headers["Content-Type"] = type.value;
      out.hidden = false;
      out.textContent = verb.toUpperCase() + " " + url + " ...";
      try {
        const r = await fetch(url, {method: verb.toUpperCase(), headers, body: body ? body.value : undefined});
        let text = await r.text();
        try { text = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
        out.textContent = "HTTP " + r.status + " " + r.statusText + "\n" +
          (r.headers.get("Content-Type") || "") + "\n\n" + text;
      } catch (e) {
        out.textContent = "request failed: " + e;
      }
    });
    return form;
  }

  function operation(path, verb, op) {
    const id = verb + "-" + path.replace(/[^a-z0-9]+/gi, "-");
    const params = (op.parameters || []).map(resolve);
    const sec = el("section", {class: "op", id},
      el("h2", {}, el("span", {class: "verb " + verb, text: verb.toUpperCase()}), path),
      el("p", {}, el("strong", {text: op.summary || ""})),
      op.description ? el("p", {text: op.description}) : null,
      el("p", {class: "note", text: auth(op)}));
    if (params.length) {
      sec.append(el("h3", {text: "Parameters"}), table(["name", "in", "type", "range", "description"],
        params.map(p => [code(p.name), p.in, typeOf(p.schema), limits(p.schema || {}), p.description || ""])));
    }
    if (op.requestBody) {
      const rb = resolve(op.requestBody);
      sec.append(el("h3", {text: "Request body" + (rb.required ? " (required)" : "")}),
        rb.description ? el("p", {text: rb.description}) : null,
        table(["content type", "schema"], Object.entries(rb.content || {}).map(([t, m]) =>
          [code(t), typeOf(m.schema)])));
    }
    sec.append(el("h3", {text: "Responses"}), table(["status", "description", "content"],
      Object.entries(op.responses || {}).map(([status, r]) => {
        r = resolve(r);
        const content = Object.entries(r.content || {}).map(([t, m]) => t + ": " + typeOf(m.schema)).join("; ");
        const headers = Object.keys(r.headers || {}).map(h => " Header: " + h + ".").join("");
        return [code(status), (r.description || "") + headers, content];
      })));
    if (verb === "get" || verb === "post") sec.append(tryForm(path, verb, op, params));
    document.getElementById("index").append(el("li", {}, el("a", {href: "#" + id, text: verb.toUpperCase() + " " + path})));
    return sec;
  }

  function schemas() {
    const all = (spec.components || {}).schemas || {};
    const box = document.getElementById("schemas");
    document.getElementById("schemas-title").hidden = false;
    for (const [name, s] of Object.entries(all)) {
      const required = new Set(s.required || []);
      const rows = Object.entries(s.properties || {}).map(([k, p]) =>
        [code(k), typeOf(p), required.has(k) ? "yes" : "", limits(p), p.description || ""]);
      if (s.additionalProperties) rows.push([code("*"), typeOf(s.additionalProperties), "", "", "any other key"]);
      box.append(el("h3", {id: "schema-" + name, text: name + " (" + typeOf(s) + ")"}),
        s.description ? el("p", {text: s.description}) : null,
        rows.length ? table(["field", "type", "required", "range", "description"], rows) : null);
    }
  }

  fetch(base + "openapi.json", {headers: {Accept: "application/json"}})
    .then(r => { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
    .then(doc => {
      spec = doc;
      const info = doc.info || {};
      const title = document.getElementById("title");
      title.textContent = (info.title || "API") + " ";
      title.append(el("small", {text: "version " + (info.version || "?") + ", OpenAPI " + doc.openapi}));
      document.getElementById("intro").textContent = info.description || "";
      const ops = document.getElementById("ops");
      for (const [path, item] of Object.entries(doc.paths || {})) {
        for (const verb of ["get", "head", "post", "put", "patch", "delete", "options"]) {
          if (item[verb]) ops.append(operation(path, verb, item[verb]));
        }
      }
      schemas();
      document.body.dataset.loaded = "true";
    })
    .catch(e => {
      const intro = document.getElementById("intro");
      intro.className = "error";
      intro.textContent = "Could not load openapi.json: " + e.message;
    });
})();
</script>
</body>
</html>
)html";

} // namespace

std::string_view docs_page() noexcept { return page; }

} // namespace wtf::api::detail
