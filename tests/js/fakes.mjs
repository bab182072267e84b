// Stand-ins for the browser objects the checklist modules read: a Storage that
// keeps its items in a Map, and one that refuses everything as privacy modes do.

export class MemoryStorage {
  constructor(items = {}) {
    this.items = new Map(Object.entries(items));
  }
  get length() {
    return this.items.size;
  }
  key(i) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

export class RefusingStorage {
  get length() {
    throw new Error("SecurityError");
  }
  key() {
    throw new Error("SecurityError");
  }
  getItem() {
    throw new Error("SecurityError");
  }
  setItem() {
    throw new Error("SecurityError");
  }
  removeItem() {
    throw new Error("SecurityError");
  }
}
