// The app's processes as the benchmarks read them: its pid below
// tauri-driver, the PSS of it and every process it started, and its memory
// high-water mark.

import fs from 'node:fs';

/** PSS in MB of `pid` and of every process below it, by name. */
export function pssTree(pid) {
  const children = (p) => {
    try {
      return fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const out = [];
  const walk = (p) => {
    try {
      const name = fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      const rollup = fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      const kb = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      out.push({ pid: p, name, mb: kb / 1024 });
    } catch {
      return;
    }
    for (const c of children(p)) walk(c);
  };
  walk(pid);
  return out;
}

/** The app's pid: the `outtake-desktop` process below tauri-driver. */
export function appPid(driverPid) {
  const find = (p) => {
    let name = '';
    try {
      name = fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim();
    } catch {
      return null;
    }
    if (name.startsWith('outtake-deskto')) return p;
    let kids = [];
    try {
      kids = fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return null;
    }
    for (const k of kids) {
      const found = find(k);
      if (found) return found;
    }
    return null;
  };
  return find(driverPid);
}

/** VmHWM and VmRSS of `pid` in MB (the kernel's high-water mark and now). */
export function memory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 };
}
