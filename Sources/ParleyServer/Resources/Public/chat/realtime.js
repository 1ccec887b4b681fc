// The realtime WebSocket: connects with the token, hands each event to the page, and reconnects
// with growing pauses. When chat is switched off it waits for /config to say it is back.
import { api, ApiError } from "./api.js";

export class Realtime {
  constructor({ token, onEvent, onStatus, onReady }) {
    this.token = token;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.onReady = onReady;
    this.attempt = 0;
    this.connectedOnce = false;
    this.stopped = false;
    this.timer = null;
    this.socket = null;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close(1000, "signed_out");
    this.socket = null;
  }

  connect() {
    if (this.stopped) return;
    this.onStatus(this.connectedOnce ? "offline" : "connecting");
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const url = `${scheme}://${location.host}/api/v1/realtime?token=${encodeURIComponent(this.token)}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.addEventListener("message", (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (event.type === "connection.ready") {
        const isReconnect = this.connectedOnce;
        this.connectedOnce = true;
        this.attempt = 0;
        this.onStatus("live");
        Promise.resolve(this.onReady(isReconnect)).catch(() => {});
        return;
      }
      Promise.resolve(this.onEvent(event)).catch(() => {});
    });
    socket.addEventListener("close", (close) => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = null;
      if (close.reason === "banned") {
        this.onStatus("offline", "unauthorized");
      } else if (close.reason === "chat_disabled") {
        this.onStatus("disabled");
        this.waitForChat();
      } else {
        this.retry();
      }
    });
  }

  /** A failed upgrade says nothing about why, so ask the API before trying again. */
  async retry() {
    try {
      await api("GET", "/unread-count");
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 401) return this.onStatus("offline", "unauthorized");
      if (failure instanceof ApiError && failure.code === "chat_disabled") {
        this.onStatus("disabled");
        return this.waitForChat();
      }
    }
    const delay = Math.min(30_000, 500 * 2 ** this.attempt) * (0.75 + Math.random() / 2);
    this.attempt += 1;
    this.onStatus("offline");
    this.timer = setTimeout(() => this.connect(), delay);
  }

  waitForChat() {
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      try {
        const config = await api("GET", "/config");
        if (config.chat_enabled) return this.connect();
      } catch {
        // Unreachable for now; ask again later.
      }
      this.waitForChat();
    }, 5_000);
  }
}
