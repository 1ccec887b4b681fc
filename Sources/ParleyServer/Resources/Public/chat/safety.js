// Blocking the other participant and reporting a conversation or one of its messages, through the
// same API the mobile app uses (POST/DELETE …/block, POST …/reports).
import { api } from "./api.js";

const $ = (selector, root = document) => root.querySelector(selector);

/** The block button and the composer's notice for `session` as the caller sees it. */
export function renderBlock(session, { takesPart }) {
  const button = $("[data-block]");
  const report = $("[data-report]");
  const notice = $("[data-blocked-notice]");
  const composer = $("[data-composer]");
  button.hidden = report.hidden = !session || !takesPart;
  if (!session || !takesPart) {
    notice.hidden = true;
    return;
  }
  button.setAttribute("aria-pressed", String(session.blocked_by_me));
  button.textContent = session.blocked_by_me ? "Unblock" : "Block";
  button.title = session.blocked_by_me
    ? "Let this person message you again."
    : "Stop this person from messaging you, in every conversation.";
  const blocked = session.blocked_by_me || session.blocked_by_other;
  notice.hidden = !blocked;
  notice.textContent = session.blocked_by_me
    ? "You blocked this person. Unblock them to send messages."
    : session.blocked_by_other
      ? "This person blocked you, so you cannot send messages here."
      : "";
  for (const control of composer.querySelectorAll("textarea, button")) control.disabled = blocked;
}

/** Blocks or unblocks; answers the session as the server now shows it. */
export async function toggleBlock(session) {
  const method = session.blocked_by_me ? "DELETE" : "POST";
  return api(method, `/chat-sessions/${session.id}/block`);
}

/** Opens the report dialog about a session, or one message of it. */
export function openReport(sessionID, messageID = null) {
  const dialog = $("[data-report-dialog]");
  const form = $("[data-report-form]");
  form.reset();
  form.dataset.sessionId = String(sessionID);
  form.dataset.messageId = messageID === null ? "" : String(messageID);
  $("[data-report-about]").textContent = messageID === null ? "this conversation" : "this message";
  $("[data-report-error]").hidden = true;
  dialog.showModal();
}

/** Sends the report the dialog holds; shows the server's message beside the form when refused. */
export async function submitReport(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const error = $("[data-report-error]");
  const body = { reason: form.elements.reason.value };
  if (form.dataset.messageId) body.message_id = Number(form.dataset.messageId);
  const note = form.elements.note.value.trim();
  if (note) body.note = note;
  try {
    await api("POST", `/chat-sessions/${form.dataset.sessionId}/reports`, body);
    $("[data-report-dialog]").close();
    return true;
  } catch (failure) {
    error.textContent = failure.message;
    error.hidden = false;
    return false;
  }
}
