#!/usr/bin/env node
// A stand-in for Django, for trying the built page without the backend: serves ../static/dist, renders
// /doctor/schedule the way inertia-django does (page JSON in <script data-page="app">), and answers the
// schedule API from memory with the contract's shapes. A development tool only; never part of the bundle.
//
//   npm run build && node scripts/fake-server.mjs [port]      (default 4173)
import { readFileSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const PORT = Number(process.argv[2] ?? process.env.PORT ?? 4173);
const DIST = process.env.FAKE_DIST ?? fileURLToPath(new URL("../../static/dist/", import.meta.url));
const TZ = "Europe/Athens";
const DOCTOR = "11111111-1111-4111-8111-111111111111";
const DOCTOR2 = "22222222-2222-4222-8222-222222222222";
const CSRF = "fake-csrf-token";

const refdata = {
  appointmentTypes: [
    { id: "aaaaaaaa-0000-4000-8000-000000000001", name: "Consultation", durationMinutes: 30, consultationModes: ["in_person", "video"] },
    { id: "aaaaaaaa-0000-4000-8000-000000000002", name: "Follow-up", durationMinutes: 15, consultationModes: ["in_person", "video", "phone"] },
  ],
  locations: [
    { id: "bbbbbbbb-0000-4000-8000-000000000001", name: "Athens Centre" },
    { id: "bbbbbbbb-0000-4000-8000-000000000002", name: "Piraeus" },
  ],
  rooms: [
    { id: "cccccccc-0000-4000-8000-000000000001", name: "Room 1", locationId: "bbbbbbbb-0000-4000-8000-000000000001" },
    { id: "cccccccc-0000-4000-8000-000000000002", name: "Room 2", locationId: "bbbbbbbb-0000-4000-8000-000000000002" },
  ],
  consultationModes: ["in_person", "video", "phone"],
  slotIntervals: [5, 10, 15, 20, 30, 60],
  timezoneDefault: TZ,
};

// --- state ------------------------------------------------------------------------------------------------
let version = 1;
/** scopeKey → [{dayOfWeek, window, timezone}] */
const rules = new Map();
const exceptions = [];
let nextId = 1;
function seed() {
  version = 1;
  rules.clear();
  exceptions.length = 0;
  rules.set(scopeKey({}), [1, 2, 3, 4, 5].map((d) => ({
    dayOfWeek: d,
    timezone: TZ,
    window: { workStartLocal: "09:00", workEndLocal: "17:00", slotIntervalMinutes: 30, breaks: [{ breakStartLocal: "13:00", breakEndLocal: "14:00", label: "Lunch" }], priority: 0, effectiveFrom: null, effectiveTo: null },
  })));
}
const uuid = () => `dddddddd-0000-4000-8000-${String(nextId++).padStart(12, "0")}`;
const scopeKey = (s) => [s.appointmentTypeId ?? "", s.doctorLocationId ?? "", s.locationRoomId ?? "", s.consultationMode ?? ""].join("|");
seed();

// --- helpers ----------------------------------------------------------------------------------------------
const addDay = (date) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
/** A local time in Athens as a UTC instant (the fake ignores DST: +02:00 all year). */
const utc = (date, time) => new Date(`${date}T${time}:00+02:00`).toISOString().replace(".000", "");
/** The all-scope rules' slots on one date (breaks cut out). */
function daySlots(date) {
  const dow = ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
  const out = [];
  for (const r of rules.get(scopeKey({})) ?? []) {
    if (r.dayOfWeek !== dow) continue;
    const w = r.window;
    for (let m = mins(w.workStartLocal); m + w.slotIntervalMinutes <= mins(w.workEndLocal); m += w.slotIntervalMinutes) {
      const inBreak = w.breaks.some((b) => m < mins(b.breakEndLocal) && m + w.slotIntervalMinutes > mins(b.breakStartLocal));
      if (!inBreak) out.push({ startLocal: hhmm(m), endLocal: hhmm(m + w.slotIntervalMinutes) });
    }
  }
  return out.sort((a, b) => a.startLocal.localeCompare(b.startLocal));
}
/** The time off covering a slot, if any. */
const blockedAt = (date, slot) =>
  exceptions.find((e) => e.kind === "blocked" && Date.parse(e.startsAt) < Date.parse(utc(date, slot.endLocal)) && Date.parse(e.endsAt) > Date.parse(utc(date, slot.startLocal)));
const mins = (t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const TIME = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

function formDays(list) {
  return [1, 2, 3, 4, 5, 6, 7].map((d) => {
    const ws = list.filter((r) => r.dayOfWeek === d).map((r) => r.window).sort((a, b) => a.workStartLocal.localeCompare(b.workStartLocal));
    return { dayOfWeek: d, enabled: ws.length > 0, windows: ws };
  });
}

function validate(body) {
  const errors = [];
  (body.days ?? []).forEach((day, d) => {
    if (day.enabled && !day.windows.length) errors.push({ path: `days.${d}.windows`, code: "NO_WINDOWS", message: "Add at least one work window, or turn this day off." });
    if (!day.enabled) return;
    day.windows.forEach((w, i) => {
      const p = `days.${d}.windows.${i}`;
      if (!TIME.test(w.workStartLocal)) errors.push({ path: `${p}.workStartLocal`, code: "INVALID_TIME", message: "Use HH:MM, 24-hour (e.g. 09:30)." });
      if (!TIME.test(w.workEndLocal)) errors.push({ path: `${p}.workEndLocal`, code: "INVALID_TIME", message: "Use HH:MM, 24-hour (e.g. 09:30)." });
      else if (TIME.test(w.workStartLocal) && mins(w.workEndLocal) <= mins(w.workStartLocal))
        errors.push({ path: `${p}.workEndLocal`, code: "END_BEFORE_START", message: "End after the start; a window cannot cross midnight." });
      // A rule the client does not know about, to see a server-only error land on its field.
      if (w.workStartLocal === "04:00") errors.push({ path: `${p}.workStartLocal`, code: "TOO_EARLY", message: "The fake server refuses 04:00 (server-only rule)." });
    });
  });
  if (body.scope?.timezone === "Etc/Unknown") errors.push({ path: "scope.timezone", code: "INVALID_TIMEZONE", message: "Use an IANA timezone name." });
  return errors;
}

function preview(body) {
  const start = new Date(`${body.dateRange?.start ?? new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const end = new Date(`${body.dateRange?.end ?? new Date(start.getTime() + 6 * 864e5).toISOString().slice(0, 10)}T00:00:00Z`);
  const days = [];
  const warnings = validate(body).map((e) => ({ ...e, severity: "error" }));
  let total = 0;
  for (let t = start.getTime(); t <= end.getTime(); t += 864e5) {
    const date = new Date(t).toISOString().slice(0, 10);
    const dow = ((new Date(t).getUTCDay() + 6) % 7) + 1;
    const windows = [];
    (body.days ?? []).forEach((day, d) => {
      if (day.dayOfWeek !== dow || !day.enabled) return;
      day.windows.forEach((w, i) => {
        if (!TIME.test(w.workStartLocal) || !TIME.test(w.workEndLocal) || mins(w.workEndLocal) <= mins(w.workStartLocal)) return;
        const pieces = [];
        let cursor = mins(w.workStartLocal);
        for (const b of [...w.breaks].sort((a, c) => a.breakStartLocal.localeCompare(c.breakStartLocal))) {
          pieces.push([cursor, mins(b.breakStartLocal)]);
          cursor = mins(b.breakEndLocal);
        }
        pieces.push([cursor, mins(w.workEndLocal)]);
        const slots = [];
        for (const [a, z] of pieces) for (let s = a; s + w.slotIntervalMinutes <= z; s += w.slotIntervalMinutes) {
          slots.push({ startLocal: hhmm(s), endLocal: hhmm(s + w.slotIntervalMinutes), startUtc: `${date}T${hhmm(s - 120)}:00Z`, endUtc: `${date}T${hhmm(s - 120 + w.slotIntervalMinutes)}:00Z` });
        }
        const rest = pieces.reduce((n, [a, z]) => n + ((z - a) % w.slotIntervalMinutes), 0);
        if (rest && date === body.dateRange?.start) warnings.push({ path: `days.${d}.windows.${i}.workEndLocal`, code: "WINDOW_REMAINDER", message: `${rest} minutes fit no whole slot.`, severity: "warning" });
        total += slots.length;
        windows.push({ kind: "rule", path: `days.${d}.windows.${i}`, workStartLocal: w.workStartLocal, workEndLocal: w.workEndLocal, slotIntervalMinutes: w.slotIntervalMinutes, slots });
      });
    });
    days.push({ date, dayOfWeek: dow, windows });
  }
  return { summary: { totalSlots: total, daysEnabled: (body.days ?? []).filter((d) => d.enabled).length }, days, warnings };
}

// --- HTTP -------------------------------------------------------------------------------------------------
function send(res, status, body, headers = {}) {
  const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": typeof body === "string" ? "text/html; charset=utf-8" : "application/json", ...headers });
  res.end(text);
}

function pageJson(url) {
  const doctorId = url.searchParams.get("doctorId") ?? DOCTOR;
  return {
    component: "Schedule",
    props: {
      doctorId,
      timezoneDefault: TZ,
      doctors: [
        { id: DOCTOR, name: "Dr. Demo" },
        { id: DOCTOR2, name: "Dr. Second" },
      ],
      user: { email: "doctor@example.com", name: "Demo Doctor" },
      logoutUrl: "/accounts/logout/",
      adminUrl: null,
    },
    url: url.pathname + url.search,
    version: "1",
  };
}

function pageHtml(url) {
  const manifest = JSON.parse(readFileSync(join(DIST, ".vite/manifest.json"), "utf8"));
  const entry = manifest["src/main.tsx"];
  const css = (entry.css ?? []).map((href) => `<link rel="stylesheet" href="/static/dist/${href}">`).join("");
  const json = JSON.stringify(pageJson(url)).replaceAll("<", "\\u003c");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Schedule · Medic (fake)</title>${css}<script type="module" src="/static/dist/${entry.file}"></script></head><body><script data-page="app" type="application/json">${json}</script><div id="app"></div></body></html>`;
}

const TYPES = { ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml" };

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : {};
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
  const path = url.pathname;
  const delay = Number(process.env.FAKE_DELAY_MS ?? 150);
  try {
    if (path.startsWith("/static/dist/")) {
      const file = normalize(join(DIST, path.slice("/static/dist/".length)));
      if (!file.startsWith(DIST) || !existsSync(file)) return send(res, 404, { ok: false, errors: [] });
      res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
      return res.end(readFileSync(file));
    }
    if (path === "/" || path === "/doctor/schedule") {
      if (req.headers["x-inertia"]) return send(res, 200, pageJson(url), { "X-Inertia": "true", Vary: "X-Inertia" });
      return send(res, 200, pageHtml(url), { "Set-Cookie": `csrftoken=${CSRF}; Path=/; SameSite=Lax` });
    }
    if (!path.startsWith("/api/")) return send(res, 404, "Not found");
    await new Promise((r) => setTimeout(r, delay));
    if (req.method !== "GET" && req.headers["x-csrftoken"] !== CSRF) {
      return send(res, 403, { ok: false, errors: [{ path: "", code: "PERMISSION_DENIED", message: "CSRF Failed: CSRF token missing." }] });
    }
    const base = "/api/doctor/schedule";
    if (path === `${base}/refdata`) return send(res, 200, refdata);
    if (path === `${base}/rules`) {
      const scope = Object.fromEntries(["appointmentTypeId", "doctorLocationId", "locationRoomId", "consultationMode"].map((k) => [k, url.searchParams.get(k)]));
      const list = rules.get(scopeKey(scope)) ?? [];
      const rulesJson = list.map((r) => ({ id: uuid(), dayOfWeek: r.dayOfWeek, ...r.window, isActive: true, timezone: r.timezone, breaks: r.window.breaks.map((b) => ({ id: uuid(), ...b })) }));
      return send(res, 200, { version: String(version), scope: { ...scope, timezone: list[0]?.timezone ?? TZ }, rules: rulesJson, days: formDays(list) });
    }
    if (path === `${base}/rules/all`) {
      // Every rule with its scope (the weekly grid), as scheduling/api answers it.
      const all = [...rules.entries()].flatMap(([key, list]) => {
        const [appointmentTypeId, doctorLocationId, locationRoomId, consultationMode] = key.split("|").map((v) => v || null);
        return list.map((r) => ({ id: uuid(), dayOfWeek: r.dayOfWeek, ...r.window, isActive: true, timezone: r.timezone, breaks: r.window.breaks.map((b) => ({ id: uuid(), ...b })), scope: { appointmentTypeId, doctorLocationId, locationRoomId, consultationMode } }));
      });
      return send(res, 200, { version: String(version), rules: all });
    }
    // The calendar: free slots are the all-scope rules' slots (no bookings, no notice); no appointments;
    // explain lists the rule slots of a day as bookable unless time off covers them.
    const doctorMatch = path.match(/^\/api\/doctors\/([^/]+)\/availability(\/explain)?$/);
    if (doctorMatch && !doctorMatch[2]) {
      const slots = [];
      for (let d = url.searchParams.get("start"); d && d <= url.searchParams.get("end"); d = addDay(d)) {
        for (const s of daySlots(d)) if (!blockedAt(d, s)) slots.push({ date: d, startLocal: s.startLocal, endLocal: s.endLocal, startUtc: utc(d, s.startLocal), endUtc: utc(d, s.endLocal), doctorLocationId: null, locationRoomId: null, consultationMode: null });
      }
      return send(res, 200, { doctorId: doctorMatch[1], timezone: TZ, appointmentTypeId: url.searchParams.get("appointmentTypeId"), slots });
    }
    if (doctorMatch) {
      const d = url.searchParams.get("date");
      const candidates = daySlots(d).map((s) => {
        const off = blockedAt(d, s);
        return { startUtc: utc(d, s.startLocal), startLocal: s.startLocal, endUtc: utc(d, s.endLocal), bookable: !off, reasons: off ? [{ code: "TIME_OFF", message: off.reason ? `Time off: ${off.reason}.` : "Time off.", detail: null }] : [] };
      });
      return send(res, 200, { timezone: TZ, date: d, candidates });
    }
    if (path === "/api/appointments") return send(res, 200, { appointments: [], count: 0 });
    if (path === `${base}/preview` && req.method === "POST") return send(res, 200, preview(await readBody(req)));
    if (path === `${base}/rules/bulk_upsert` && req.method === "POST") {
      const body = await readBody(req);
      const errors = validate(body);
      if (errors.length) return send(res, 422, { ok: false, errors });
      if (body.expectedVersion != null && body.expectedVersion !== String(version))
        return send(res, 409, { ok: false, errors: [{ path: "expectedVersion", code: "SCHEDULE_CHANGED", message: "This schedule was changed since you loaded it. Reload it, then save again." }] });
      const key = scopeKey(body.scope);
      let list = rules.get(key) ?? [];
      let deleted = 0;
      let inserted = 0;
      for (const day of body.days) {
        if (body.replaceMode !== "append") {
          deleted += list.filter((r) => r.dayOfWeek === day.dayOfWeek).length;
          list = list.filter((r) => r.dayOfWeek !== day.dayOfWeek);
        }
        if (day.enabled) for (const w of day.windows) {
          list.push({ dayOfWeek: day.dayOfWeek, timezone: body.scope.timezone, window: w });
          inserted++;
        }
      }
      if (body.replaceMode !== "append") list = list.map((r) => ({ ...r, timezone: body.scope.timezone }));
      rules.set(key, list);
      version++;
      return send(res, 200, { ok: true, insertedRules: inserted, deletedRules: deleted, version: String(version) });
    }
    // Test helpers: start over; bump the version as if someone else saved (to see the 409 flow).
    if (path === "/api/_fake/reset" && req.method === "POST") {
      seed();
      return send(res, 200, { ok: true });
    }
    // Bump the version as if someone else saved (to see the 409 flow).
    if (path === "/api/_fake/bump" && req.method === "POST") {
      version++;
      return send(res, 200, { version });
    }
    if (path === `${base}/exceptions`) {
      if (req.method === "GET") return send(res, 200, { exceptions });
      const body = await readBody(req);
      if (!(Date.parse(body.endsAt) > Date.parse(body.startsAt))) return send(res, 422, { ok: false, errors: [{ path: "endsAt", code: "END_BEFORE_START", message: "The end must be after the start." }] });
      const exc = { id: uuid(), kind: body.kind, startsAt: new Date(body.startsAt).toISOString().replace(".000", ""), endsAt: new Date(body.endsAt).toISOString().replace(".000", ""), slotIntervalMinutes: body.kind === "available" ? body.slotIntervalMinutes : null, reason: body.reason ?? "", source: "doctor", scope: body.scope ?? { appointmentTypeId: null, doctorLocationId: null, locationRoomId: null, consultationMode: null } };
      exceptions.push(exc);
      return send(res, 201, exc);
    }
    const match = path.match(/^\/api\/doctor\/schedule\/exceptions\/([^/]+)$/);
    if (match) {
      const index = exceptions.findIndex((e) => e.id === match[1]);
      if (index < 0) return send(res, 404, { ok: false, errors: [{ path: "", code: "NOT_FOUND", message: "Not found." }] });
      if (req.method === "DELETE") {
        exceptions.splice(index, 1);
        res.writeHead(204);
        return res.end();
      }
      if (req.method === "PATCH") {
        const body = await readBody(req);
        Object.assign(exceptions[index], body, {
          startsAt: new Date(body.startsAt ?? exceptions[index].startsAt).toISOString().replace(".000", ""),
          endsAt: new Date(body.endsAt ?? exceptions[index].endsAt).toISOString().replace(".000", ""),
        });
        return send(res, 200, exceptions[index]);
      }
      return send(res, 200, exceptions[index]);
    }
    return send(res, 404, { ok: false, errors: [{ path: "", code: "NOT_FOUND", message: "Not found." }] });
  } catch (error) {
    return send(res, 500, { ok: false, errors: [{ path: "", code: "FAKE_SERVER", message: String(error) }] });
  }
});

server.listen(PORT, "127.0.0.1", () => console.log(`fake Medic on http://127.0.0.1:${PORT}/doctor/schedule`));
