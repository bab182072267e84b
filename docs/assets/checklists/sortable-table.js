/* Sortable tables, as progressive enhancement: each header of a
   table[data-sortable] marked data-sort="number" or "text" becomes a button
   that orders the rows by that column, by each cell's data-sort-value or else
   its text. Without script the table reads in the order the build wrote. */

/* The value a cell sorts by: a number (a missing one sorts last), or text
   compared without case. */
export function sortKey(kind, text, value) {
  const raw = value !== null && value !== undefined ? value : text;
  if (kind === "number") {
    const n = parseFloat(String(raw).replace(/[^0-9.+-]/g, ""));
    return Number.isFinite(n) ? n : null;
  }
  return String(raw).trim().toLocaleLowerCase();
}

/* Numbers start biggest first (the riskiest, the largest), text from A;
   a second click on the same column reverses it. */
export function nextDirection(kind, current) {
  if (current === "ascending") return "descending";
  if (current === "descending") return "ascending";
  return kind === "number" ? "descending" : "ascending";
}

/* The row positions in sorted order. Stable, so ties keep the build's order;
   missing values go last whichever the direction. */
export function sortedOrder(keys, direction) {
  const sign = direction === "descending" ? -1 : 1;
  return keys
    .map((key, index) => ({ key, index }))
    .sort((a, b) => {
      if (a.key === null || b.key === null) {
        return a.key === b.key ? a.index - b.index : a.key === null ? 1 : -1;
      }
      const cmp = typeof a.key === "number" ? a.key - b.key : a.key.localeCompare(b.key);
      return cmp ? sign * cmp : a.index - b.index;
    })
    .map((entry) => entry.index);
}

function sortBy(table, header) {
  const body = table.tBodies[0];
  if (!body) return;
  const kind = header.getAttribute("data-sort");
  const direction = nextDirection(kind, header.getAttribute("aria-sort"));
  const column = header.cellIndex;
  const rows = Array.from(body.rows).filter((row) => row.cells.length > column);
  const keys = rows.map((row) => {
    const cell = row.cells[column];
    return sortKey(kind, cell.textContent, cell.getAttribute("data-sort-value"));
  });
  for (const index of sortedOrder(keys, direction)) body.appendChild(rows[index]);
  for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", direction);
}

/* Make every sortable table under `root` sortable, once. */
export function enhanceSortableTables(root) {
  for (const table of root.querySelectorAll("table[data-sortable]:not([data-rk-sortable-ready])")) {
    if (!table.tHead || !table.tHead.rows.length) continue;
    table.setAttribute("data-rk-sortable-ready", "");
    for (const header of table.tHead.rows[0].cells) {
      if (!header.hasAttribute("data-sort")) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "rk-sort";
      while (header.firstChild) button.appendChild(header.firstChild);
      button.addEventListener("click", () => sortBy(table, header));
      header.appendChild(button);
    }
  }
}
