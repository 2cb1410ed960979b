// zhnews label: the page's behaviour. Item text is untrusted: it is only ever inserted with
// textContent / text nodes, never as HTML.
"use strict";

const state = { item: null, topics: new Set(), script: "original", busy: false };
const $ = (id) => document.getElementById(id);
const topicButtons = () => Array.from(document.querySelectorAll("#topics .topic"));

async function api(path, options) {
  const res = await fetch(path, options);
  if (res.status === 204) return null;
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

function post(path, body) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body === undefined ? {} : body),
  });
}

function setState(name) {
  $("item").dataset.state = name;
}

function message(text) {
  $("message").textContent = text || "";
}

function renderTopics() {
  for (const button of topicButtons()) {
    button.setAttribute("aria-pressed", String(state.topics.has(button.dataset.topic)));
  }
}

function renderScores(item) {
  const scores = item && item.scores;
  $("relevance-meter").value = scores ? scores.relevant : 0;
  $("relevance-score").textContent = scores ? scores.relevant.toFixed(2) : "–";
  for (const button of topicButtons()) {
    const value = scores && scores.topics[button.dataset.topic];
    button.querySelector(".score").textContent = value === undefined || value === null ? "" : " " + value.toFixed(2);
  }
}

async function renderText() {
  const item = state.item;
  const query = new URLSearchParams({ id: item.id, script: state.script });
  const shown = await api("/api/item?" + query.toString());
  if (state.item !== item) return; // another item arrived meanwhile
  $("title").textContent = shown.title || "(no title)";
  const box = $("text");
  box.replaceChildren();
  for (const sentence of shown.sentences) {
    const node = document.createElement(sentence.evidence.length ? "mark" : "span");
    node.textContent = sentence.text;
    if (sentence.evidence.length) node.title = "evidence for " + sentence.evidence.join(", ");
    box.append(node);
  }
  $("script-toggle").firstChild.textContent = state.script === "original" ? "简体 " : "原文 ";
}

async function show(item, label) {
  state.item = item;
  state.topics = new Set(label && label.topics ? label.topics : []);
  $("note").value = (label && label.note) || "";
  renderTopics();
  renderScores(item);
  if (!item) {
    $("item").dataset.itemId = "";
    $("title").textContent = "Nothing left to label.";
    $("text").replaceChildren();
    $("strategy").textContent = "";
    $("item-id").textContent = "";
    setState("done");
    return;
  }
  $("strategy").textContent = item.strategy;
  $("item-id").textContent = item.id;
  await renderText();
  if (label) message("Label again: the earlier label stays until you save a new one.");
  $("item").dataset.itemId = item.id;
  setState("ready");
}

async function act(work) {
  if (state.busy) return;
  state.busy = true;
  setState("saving");
  try {
    await work();
  } catch (err) {
    message(err.message);
    setState(state.item ? "ready" : "done");
  } finally {
    state.busy = false;
  }
  refreshProgress();
}

function loadNext() {
  return act(async () => {
    message("");
    await show(await api("/api/next"), null);
  });
}

function save(relevant) {
  if (!state.item || state.busy) return;
  const topics = relevant ? topicButtons().map((b) => b.dataset.topic).filter((k) => state.topics.has(k)) : [];
  if (relevant && topicButtons().length && !topics.length) {
    message("Choose at least one topic (1–9), then press r.");
    return;
  }
  const label = { id: state.item.id, relevant, topics };
  const note = $("note").value.trim();
  if (note) label.note = note;
  return act(async () => {
    await post("/api/labels", label);
    message("");
    await show(await api("/api/next"), null);
  });
}

function skip() {
  if (!state.item) return;
  const id = state.item.id;
  return act(async () => {
    await post("/api/skip", { id });
    message("");
    await show(await api("/api/next"), null);
  });
}

function undo() {
  return act(async () => {
    const item = await post("/api/undo");
    await show(item, item.label);
  });
}

function toggleTopic(key) {
  if (!state.item) return;
  if (state.topics.has(key)) state.topics.delete(key);
  else state.topics.add(key);
  renderTopics();
}

function toggleScript() {
  if (!state.item) return;
  state.script = state.script === "original" ? "simplified" : "original";
  renderText().catch((err) => message(err.message));
}

function describeModel(model) {
  if (!model.version) {
    if (model.status === "loading") return "Scoring the pool with the model…";
    if (model.status === "training") return "Training the first model…";
    return "No model yet: items are chosen for diversity." + (model.error ? " (" + model.error + ")" : "");
  }
  let text = "Model " + model.version + ", trained on " + model.trained_on + " labelled items.";
  if (model.cv) {
    text += " CV (" + model.cv.folds + "): relevance F1 " + model.cv.relevance_f1.toFixed(2) +
      ", topic micro-F1 " + model.cv.topic_micro_f1.toFixed(2) + ".";
  } else if (model.cv_pending) {
    text += " Cross-validating…";
  }
  if (model.status === "training") text += " Retraining…";
  else if (model.next_retrain_in !== null) text += " Next retrain in " + model.next_retrain_in + " labels.";
  if (model.error) text += " Last retrain failed: " + model.error;
  return text;
}

async function refreshProgress() {
  let p;
  try {
    p = await api("/api/progress");
  } catch (err) {
    return;
  }
  $("summary").textContent = p.labelled + " labelled · " + p.remaining + " left";
  $("progress-counts").textContent =
    p.labelled + " labelled (" + p.relevant + " relevant, " + p.not_relevant + " not), " +
    p.session + " this session, " + p.skipped + " skipped, " + p.remaining + " of " + p.pool + " left" +
    (p.base_labels ? "; " + p.base_labels + " base labels" : "") + ".";
  for (const row of document.querySelectorAll("#topic-counts tr")) {
    row.querySelector(".count").textContent = String(p.topics[row.dataset.topic] || 0);
  }
  $("model-status").textContent = describeModel(p.model);
}

function openGuidelines() {
  const dialog = $("guidelines");
  if (!dialog.open) dialog.showModal();
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.matches("input, textarea")) {
    if (event.key === "Escape") event.target.blur();
    return;
  }
  if ($("guidelines").open) return; // Esc closes the dialog by itself
  const key = event.key.toLowerCase();
  const topics = topicButtons();
  if (/^[1-9]$/.test(key) && Number(key) <= topics.length) {
    toggleTopic(topics[Number(key) - 1].dataset.topic);
  } else if (key === "r") {
    save(true);
  } else if (key === "n") {
    save(false);
  } else if (key === "s") {
    skip();
  } else if (key === "u") {
    undo();
  } else if (key === "t") {
    toggleScript();
  } else if (key === "g" || key === "?") {
    openGuidelines();
  } else {
    return;
  }
  event.preventDefault();
}

document.addEventListener("DOMContentLoaded", () => {
  document.addEventListener("keydown", onKey);
  $("relevant").addEventListener("click", () => save(true));
  $("not-relevant").addEventListener("click", () => save(false));
  $("skip").addEventListener("click", skip);
  $("undo").addEventListener("click", undo);
  $("script-toggle").addEventListener("click", toggleScript);
  $("guidelines-open").addEventListener("click", openGuidelines);
  $("guidelines-close").addEventListener("click", () => $("guidelines").close());
  for (const button of topicButtons()) {
    button.addEventListener("click", () => toggleTopic(button.dataset.topic));
  }
  loadNext();
  setInterval(refreshProgress, 5000);
});
