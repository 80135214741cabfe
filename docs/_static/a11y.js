// Accessibility fixes to the theme, checked by tests/test_website.py (axe).
document.addEventListener("DOMContentLoaded", () => {
  // The sidebar's expand/collapse toggles are icons only: give them a name to announce.
  document.querySelectorAll("summary").forEach((summary) => {
    if (!summary.textContent.trim() && !summary.hasAttribute("aria-label")) {
      const link = summary.closest("li")?.querySelector(":scope > a");
      const what = link ? link.textContent.trim() : "this section";
      summary.setAttribute("aria-label", `Show or hide the pages under ${what}`);
    }
  });
  // Code blocks and outputs that scroll sideways must be reachable with the keyboard.
  document.querySelectorAll("pre, .output, .cell_output").forEach((box) => {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
    }
  });
});
