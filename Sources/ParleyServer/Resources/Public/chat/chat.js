// The web chat client: signs in through the API, lists the user's conversations and chats live over
// the realtime WebSocket. Everything it knows comes from /api/v1, the same API the mobile app uses.
import { api, ApiError, session as auth } from "./api.js";
import { Realtime } from "./realtime.js";
import { openReport, renderBlock, submitReport, toggleBlock } from "./safety.js";

const $ = (selector, root = document) => root.querySelector(selector);
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const PAGE = 30;

const state = {
  user: null,
  sessions: new Map(),
  nextSessionsCursor: null,
  current: null, // { id, messages: Map, oldest, newest, hasOlder }
  realtime: null,
};

// MARK: Sign-in

function showView(name) {
  for (const view of document.querySelectorAll("[data-view]")) view.hidden = view.dataset.view !== name;
  $("[data-signed-in]").hidden = name !== "inbox";
  $("[data-connection-status]").hidden = name !== "inbox";
}

function banner(text) {
  const element = $("[data-banner]");
  element.textContent = text || "";
  element.hidden = !text;
}

async function signIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const error = $("[data-signin-error]");
  error.hidden = true;
  const email = form.email.value.trim();
  const password = form.password.value;
  if (!email || !password) {
    error.textContent = "Enter your email and password.";
    error.hidden = false;
    return;
  }
  try {
    const answer = await api("POST", "/auth/token", { email, password });
    auth.save(answer.token, answer.user);
    form.reset();
    await start(answer.user);
  } catch (failure) {
    error.textContent = failure.message;
    error.hidden = false;
  }
}

async function signOut() {
  state.realtime?.stop();
  try {
    await api("DELETE", "/auth/token");
  } catch {
    // The token may already be gone; signing out locally is what matters.
  }
  auth.clear();
  state.sessions.clear();
  state.current = null;
  $("[data-sessions]").replaceChildren();
  closeConversation();
  banner("");
  showView("signin");
}

// MARK: Conversations

function otherParty(session) {
  if (session.customer.id === state.user.id) return session.vendor;
  if (session.vendor.id === state.user.id) return session.customer;
  return { name: `${session.customer.name} and ${session.vendor.name}` };
}

function sortedSessions() {
  const key = (s) => (s.last_message_at ? Date.parse(s.last_message_at) : 0);
  return [...state.sessions.values()].sort((a, b) => key(b) - key(a) || b.id - a.id);
}

function renderSessions() {
  const list = $("[data-sessions]");
  const items = sortedSessions().map((session) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "session";
    button.dataset.sessionId = String(session.id);
    if (state.current?.id === session.id) button.classList.add("session--active");
    const title = document.createElement("span");
    title.className = "session__product";
    title.textContent = session.product.name;
    const who = document.createElement("span");
    who.className = "session__with";
    who.textContent = otherParty(session).name;
    const preview = document.createElement("span");
    preview.className = "session__preview";
    preview.textContent = session.last_message ? session.last_message.preview : "No messages yet";
    button.append(title, who, preview);
    if (session.unread_count > 0) {
      const badge = document.createElement("span");
      badge.className = "session__unread";
      badge.dataset.unread = String(session.unread_count);
      badge.textContent = String(session.unread_count);
      badge.title = `${session.unread_count} unread`;
      button.append(badge);
    }
    button.addEventListener("click", () => openConversation(session.id));
    item.append(button);
    return item;
  });
  list.replaceChildren(...items);
  $("[data-sessions-empty]").hidden = items.length > 0;
  $("[data-load-more-sessions]").hidden = !state.nextSessionsCursor;
  // The open conversation's session may have just been fetched again, with its muted flag.
  if (state.current) renderMute();
}

async function loadSessions({ more = false } = {}) {
  const cursor = more && state.nextSessionsCursor ? `&cursor=${encodeURIComponent(state.nextSessionsCursor)}` : "";
  const page = await api("GET", `/chat-sessions?limit=${PAGE}${cursor}`);
  if (!more) state.sessions.clear();
  for (const session of page.data) state.sessions.set(session.id, session);
  state.nextSessionsCursor = page.next_cursor;
  renderSessions();
}

/** Fetches one session again; drops it when the caller no longer takes part. */
async function refreshSession(id) {
  try {
    state.sessions.set(id, await api("GET", `/chat-sessions/${id}`));
  } catch (failure) {
    if (!(failure instanceof ApiError) || failure.status !== 404) throw failure;
    state.sessions.delete(id);
    if (state.current?.id === id) {
      closeConversation();
      banner("That conversation is no longer available.");
    }
  }
  renderSessions();
}

// MARK: Products (customers open conversations)

let productSearchTimer;
function searchProducts(event) {
  clearTimeout(productSearchTimer);
  const term = event.currentTarget.value.trim();
  productSearchTimer = setTimeout(async () => {
    const results = $("[data-product-results]");
    if (!term) return results.replaceChildren();
    const page = await api("GET", `/products?search=${encodeURIComponent(term)}&limit=8`);
    results.replaceChildren(
      ...page.data.map((product) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "product";
        button.dataset.productId = String(product.id);
        button.textContent = `${product.name} — ${product.vendor.name}`;
        button.addEventListener("click", () => startConversation(product.id));
        item.append(button);
        return item;
      }),
    );
  }, 200);
}

async function startConversation(productID) {
  try {
    const session = await api("POST", "/chat-sessions", { product_id: productID });
    state.sessions.set(session.id, session);
    $("[data-product-search]").value = "";
    $("[data-product-results]").replaceChildren();
    renderSessions();
    await openConversation(session.id);
  } catch (failure) {
    banner(failure.message);
  }
}

// MARK: One conversation

function closeConversation() {
  state.current = null;
  $("[data-mute]").hidden = true;
  renderBlock(null, { takesPart: false });
  $("[data-conversation-open]").hidden = true;
  $("[data-conversation-placeholder]").hidden = false;
  $("[data-message-list]").replaceChildren();
}

function messageElement(message) {
  const item = document.createElement("li");
  const mine = message.sender_id === state.user.id;
  const system = message.flags?.includes("system");
  item.className = `message ${system ? "message--system" : mine ? "message--mine" : "message--theirs"}`;
  item.dataset.messageId = String(message.id);
  const body = document.createElement("p");
  body.className = "message__body";
  body.textContent = message.body;
  if (system) {
    const from = document.createElement("p");
    from.className = "message__from";
    from.textContent = "From the marketplace's moderators";
    item.append(from);
  }
  const meta = document.createElement("p");
  meta.className = "message__meta";
  const time = document.createElement("time");
  time.dateTime = message.created_at;
  time.textContent = timeFormat.format(new Date(message.created_at));
  meta.append(time);
  if (mine) {
    const receipt = document.createElement("span");
    receipt.className = "message__receipt";
    receipt.dataset.receipt = message.read_at ? "read" : "sent";
    receipt.textContent = message.read_at ? "Read" : "Sent";
    meta.append(" · ", receipt);
  } else if (!system && takesPart(state.sessions.get(message.chat_session_id) ?? { customer: {}, vendor: {} })) {
    const report = document.createElement("button");
    report.type = "button";
    report.className = "message__report";
    report.dataset.reportMessage = String(message.id);
    report.textContent = "Report";
    meta.append(" · ", report);
  }
  item.append(body, meta);
  return item;
}

function renderMessages({ keepScroll = false } = {}) {
  const current = state.current;
  const box = $("[data-messages]");
  const fromBottom = box.scrollHeight - box.scrollTop;
  const atBottom = fromBottom - box.clientHeight < 40;
  const ordered = [...current.messages.values()].sort((a, b) => a.id - b.id);
  $("[data-message-list]").replaceChildren(...ordered.map(messageElement));
  $("[data-load-older]").hidden = !current.hasOlder;
  if (keepScroll) box.scrollTop = box.scrollHeight - fromBottom;
  else if (atBottom || !current.rendered) box.scrollTop = box.scrollHeight;
  current.rendered = true;
}

function addMessages(messages) {
  const current = state.current;
  for (const message of messages) {
    current.messages.set(message.id, message);
    current.oldest = current.oldest === null ? message.id : Math.min(current.oldest, message.id);
    current.newest = current.newest === null ? message.id : Math.max(current.newest, message.id);
  }
}

async function openConversation(id) {
  const session = state.sessions.get(id);
  if (!session) return;
  banner("");
  state.current = { id, messages: new Map(), oldest: null, newest: null, hasOlder: false, rendered: false };
  $("[data-conversation-placeholder]").hidden = true;
  $("[data-conversation-open]").hidden = false;
  $("[data-conversation-title]").textContent = session.product.name;
  $("[data-conversation-with]").textContent = `with ${otherParty(session).name}`;
  $("[data-composer-error]").hidden = true;
  renderSessions();
  const page = await api("GET", `/chat-sessions/${id}/messages?limit=${PAGE}`);
  if (state.current?.id !== id) return;
  addMessages(page.data);
  state.current.hasOlder = page.next_cursor !== null;
  renderMessages();
  await markRead();
  $("#composer-body").focus();
}

async function loadOlder() {
  const current = state.current;
  if (!current || current.oldest === null) return;
  const page = await api("GET", `/chat-sessions/${current.id}/messages?limit=${PAGE}&before=${current.oldest}`);
  if (state.current !== current) return;
  addMessages(page.data);
  current.hasOlder = page.next_cursor !== null;
  renderMessages({ keepScroll: true });
}

/** Fetches what arrived after the newest message shown, as after a reconnect. */
async function catchUp() {
  const current = state.current;
  if (!current) return;
  for (;;) {
    const after = current.newest === null ? "" : `&after=${current.newest}`;
    const page = await api("GET", `/chat-sessions/${current.id}/messages?limit=100${after}`);
    if (state.current !== current) return;
    addMessages(page.data);
    if (page.next_cursor === null || current.newest === null) break;
  }
  renderMessages();
  await markRead();
}

/** Marks what the other side sent as read while the conversation is on screen. */
async function markRead() {
  const current = state.current;
  const session = current && state.sessions.get(current.id);
  if (!session || session.unread_count === 0 || document.visibilityState !== "visible") return;
  if (session.customer.id !== state.user.id && session.vendor.id !== state.user.id) return;
  const answer = await api("POST", `/chat-sessions/${current.id}/read`, { up_to_message_id: current.newest });
  session.unread_count = answer.unread_count;
  renderSessions();
}

let pendingSend = null; // the text and client id of a send that may be retried
async function send(event) {
  event.preventDefault();
  const current = state.current;
  const field = $("#composer-body");
  const error = $("[data-composer-error]");
  const text = field.value;
  error.hidden = true;
  if (!current) return;
  if (!text.trim()) {
    error.textContent = "Write something first.";
    error.hidden = false;
    return;
  }
  // The same id on a retry lets the server answer the first message instead of storing two.
  if (pendingSend?.text !== text || pendingSend.sessionID !== current.id) {
    pendingSend = { text, sessionID: current.id, clientID: clientMessageID() };
  }
  try {
    const message = await api("POST", `/chat-sessions/${current.id}/messages`, {
      body: text,
      client_message_id: pendingSend.clientID,
    });
    pendingSend = null;
    field.value = "";
    if (state.current === current) {
      addMessages([message]);
      renderMessages();
    }
    noteMessage(message);
  } catch (failure) {
    error.textContent = failure.message;
    error.hidden = false;
    // A block the other side made since the session was fetched: show it as it now stands.
    if (failure.code === "blocked") refreshSession(current.id).catch(() => {});
  }
}

function clientMessageID() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Moves a session to the top with the message as its preview. */
function noteMessage(message) {
  const session = state.sessions.get(message.chat_session_id);
  if (!session) return false;
  if (session.last_message?.id === message.id) return true;
  session.last_message = {
    id: message.id,
    sender_id: message.sender_id,
    preview: message.body.slice(0, 140),
    created_at: message.created_at,
  };
  session.last_message_at = message.created_at;
  session.messages_count += 1;
  if (message.sender_id !== state.user.id && state.user.role !== "admin") session.unread_count += 1;
  renderSessions();
  return true;
}

// MARK: Reminders (muting a conversation, email preference)

function takesPart(session) {
  return session.customer.id === state.user.id || session.vendor.id === state.user.id;
}

/** The mute button of the open conversation, for its customer and vendor only. */
function renderMute() {
  const button = $("[data-mute]");
  const session = state.current && state.sessions.get(state.current.id);
  button.hidden = !session || !takesPart(session);
  renderBlock(session, { takesPart: !!session && takesPart(session) });
  if (button.hidden) return;
  button.setAttribute("aria-pressed", String(session.muted));
  button.textContent = session.muted ? "Muted" : "Mute";
  button.title = session.muted
    ? "No email reminders about this conversation. Click to get them again."
    : "Stop email reminders about this conversation.";
}

async function toggleMute() {
  const session = state.current && state.sessions.get(state.current.id);
  if (!session) return;
  const button = $("[data-mute]");
  const muted = !session.muted;
  button.disabled = true;
  try {
    await api(muted ? "PUT" : "DELETE", `/chat-sessions/${session.id}/mute`);
    session.muted = muted;
  } catch (failure) {
    banner(failure.message);
  } finally {
    button.disabled = false;
    renderMute();
  }
}

async function loadPreferences() {
  const box = $("[data-email-reminders]");
  box.disabled = true;
  const preferences = await api("GET", "/me/preferences");
  box.checked = preferences.email_reminders;
  box.disabled = false;
}

async function changeEmailReminders(event) {
  const box = event.currentTarget;
  const wanted = box.checked;
  box.disabled = true;
  try {
    const preferences = await api("PATCH", "/me/preferences", { email_reminders: wanted });
    box.checked = preferences.email_reminders;
  } catch (failure) {
    box.checked = !wanted;
    banner(failure.message);
  } finally {
    box.disabled = false;
  }
}

// MARK: Live events

async function onEvent(event) {
  const data = event.data;
  switch (event.type) {
    case "message.created": {
      const current = state.current;
      const known = current?.messages.has(data.id);
      if (!noteMessage(data)) await refreshSession(data.chat_session_id);
      if (current && current.id === data.chat_session_id && !known) {
        addMessages([data]);
        renderMessages();
        await markRead();
      }
      break;
    }
    case "messages.read": {
      const current = state.current;
      if (current && current.id === data.chat_session_id && data.reader_id !== state.user.id) {
        const now = new Date().toISOString();
        for (const message of current.messages.values()) {
          const covered = data.up_to_message_id === null || message.id <= data.up_to_message_id;
          if (message.sender_id === state.user.id && !message.read_at && covered) message.read_at = now;
        }
        renderMessages();
      }
      await refreshSession(data.chat_session_id);
      break;
    }
    case "message.deleted":
      state.current?.messages.delete(data.message_id);
      if (state.current?.id === data.chat_session_id) renderMessages();
      await refreshSession(data.chat_session_id);
      break;
    case "session.created":
    case "session.updated":
      await refreshSession(data.id);
      break;
    case "session.deleted":
      state.sessions.delete(data.id);
      if (state.current?.id === data.id) {
        closeConversation();
        banner("That conversation was deleted.");
      }
      renderSessions();
      break;
  }
}

function onStatus(status, reason) {
  const element = $("[data-connection-status]");
  const labels = { live: "Live", connecting: "Connecting…", offline: "Offline, reconnecting…", disabled: "Chat off" };
  element.textContent = labels[status] ?? status;
  element.dataset.connectionStatus = status;
  if (status === "disabled") banner("Chat is switched off for now. It will come back by itself when it is on again.");
  else if (status === "live") banner("");
  if (reason === "unauthorized") signOut();
}

async function onReady(isReconnect) {
  // The first connection needs nothing unless chat was off when the page started.
  if (!isReconnect && state.sessions.size > 0) return;
  await loadSessions();
  await catchUp();
}

// MARK: Start

async function start(user) {
  state.user = user;
  $("[data-user-name]").textContent = `${user.name} (${user.role})`;
  // Customers open conversations; administrators read them without taking part (ChatAccess).
  $("[data-new-chat-form]").hidden = user.role !== "customer";
  $("[data-composer]").hidden = user.role === "admin";
  // Administrators take part in no conversation, so nothing reminds them of one.
  $("[data-preferences]").hidden = user.role === "admin";
  showView("inbox");
  if (user.role !== "admin") loadPreferences().catch((failure) => banner(failure.message));
  const config = await api("GET", "/config");
  if (!config.chat_enabled) onStatus("disabled");
  state.realtime = new Realtime({ token: auth.token(), onEvent, onStatus, onReady });
  state.realtime.start();
  if (config.chat_enabled) {
    await loadSessions();
    await openLinkedConversation();
  }
}

/** Opens the conversation a link names (`/chat?session=ID`, as reminder emails link), once. */
async function openLinkedConversation() {
  const params = new URLSearchParams(location.search);
  const id = Number(params.get("session"));
  if (!Number.isSafeInteger(id) || id <= 0) return;
  history.replaceState(null, "", location.pathname);
  if (!state.sessions.has(id)) await refreshSession(id);
  if (state.sessions.has(id)) await openConversation(id);
  else banner("That conversation is not yours, or no longer exists.");
}

function wire() {
  $("[data-signin-form]").addEventListener("submit", signIn);
  $("[data-sign-out]").addEventListener("click", signOut);
  $("[data-composer]").addEventListener("submit", send);
  $("#composer-body").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("[data-composer]").requestSubmit();
    }
  });
  $("[data-load-older]").addEventListener("click", loadOlder);
  $("[data-mute]").addEventListener("click", toggleMute);
  $("[data-block]").addEventListener("click", async () => {
    const session = state.current && state.sessions.get(state.current.id);
    if (!session) return;
    try {
      state.sessions.set(session.id, await toggleBlock(session));
      renderMute();
    } catch (failure) {
      banner(failure.message);
    }
  });
  $("[data-report]").addEventListener("click", () => state.current && openReport(state.current.id));
  $("[data-message-list]").addEventListener("click", (event) => {
    const button = event.target.closest("[data-report-message]");
    if (button && state.current) openReport(state.current.id, Number(button.dataset.reportMessage));
  });
  $("[data-report-form]").addEventListener("submit", async (event) => {
    if (await submitReport(event)) banner("Thank you. The moderators will look at your report.");
  });
  $("[data-report-cancel]").addEventListener("click", () => $("[data-report-dialog]").close());
  $("[data-email-reminders]").addEventListener("change", changeEmailReminders);
  $("[data-load-more-sessions]").addEventListener("click", () => loadSessions({ more: true }));
  $("[data-product-search]").addEventListener("input", searchProducts);
  $("[data-new-chat-form]").addEventListener("submit", (event) => event.preventDefault());
  document.addEventListener("visibilitychange", () => markRead().catch(() => {}));
  window.addEventListener("unhandledrejection", (event) => {
    if (event.reason instanceof ApiError && event.reason.status === 401) signOut();
    else if (event.reason instanceof ApiError && event.reason.code === "chat_disabled") onStatus("disabled");
  });
}

wire();
const saved = auth.user();
if (saved && auth.token()) start(saved).catch(() => signOut());
else showView("signin");
