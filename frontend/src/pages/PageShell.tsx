// The page's frame in plain markup (no Ant Design): what the first paint shows while the page's own chunk
// (ThemedSchedule: the page and the Ant Design components it uses) finishes loading.
export default function PageShell() {
  return (
    <div className="page" aria-busy="true">
      <header className="topbar">
        <a className="brand" href="/">
          Medic
        </a>
      </header>
      <main className="page-main">
        <p className="page-title">Schedule</p>
        <p className="muted">Loading…</p>
      </main>
    </div>
  );
}
