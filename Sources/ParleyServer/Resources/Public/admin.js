// Progressive enhancement for the admin pages: every page works without this file; each module
// adds one behaviour to the markup it finds.
import { enhanceTables } from "./table.js";
import { enhanceConfirmations } from "./confirm.js";
import { enhanceModals } from "./modal.js";
import { enhanceComboboxes } from "./combobox.js";
import { enhancePopovers } from "./popover.js";
import { collapseSidebar } from "./sidebar.js";
import { followUnreadBadge } from "./live.js";
import { enhanceToasts } from "./notice.js";
import { enhanceCopyButtons } from "./copy.js";

collapseSidebar(document);
enhanceTables(document);
enhanceConfirmations(document);
enhanceModals(document);
enhanceComboboxes(document);
enhancePopovers(document);
followUnreadBadge(document);
enhanceToasts(document);
enhanceCopyButtons(document);
