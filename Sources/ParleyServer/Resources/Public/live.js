// Keeps the sidebar's unread badge current through server-sent events from the address the
// badge names (data-events-url).

export function followUnreadBadge(root) {
  const badges = root.querySelectorAll("[data-live-badge]");
  if (badges.length === 0 || !("EventSource" in window)) return;
  const format = new Intl.NumberFormat("en-US");
  // EventSource reconnects by itself after a dropped connection.
  const source = new EventSource(badges[0].dataset.eventsUrl);
  source.addEventListener("unread", (event) => {
    const total = Number.parseInt(event.data, 10) || 0;
    for (const badge of badges) {
      badge.textContent = format.format(total);
      badge.hidden = total === 0;
    }
  });
  // Other counts beside sidebar entries, named by their data-live-count and the event's name.
  for (const name of ["moderation"]) {
    const counts = root.querySelectorAll(`[data-live-count="${name}"]`);
    source.addEventListener(name, (event) => {
      const total = Number.parseInt(event.data, 10) || 0;
      for (const count of counts) {
        count.textContent = format.format(total);
        count.hidden = total === 0;
      }
    });
  }
  window.addEventListener("pagehide", () => source.close());
}
