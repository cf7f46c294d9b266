// Entry point (the only one): boots the Inertia app from the page JSON inertia-django puts in the HTML.
import { createInertiaApp } from "@inertiajs/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import PageShell from "./pages/PageShell";
import type { SchedulePageProps } from "./pages/Schedule";
import "./styles.css";

// The app has one page. It and the Ant Design it uses are a chunk of their own, requested as soon as this
// module runs (in parallel with React rendering the frame), so the entry paints the page's frame at once and
// the page replaces it when its chunk has run.
const themedSchedule = import("./pages/ThemedSchedule");
const ThemedSchedule = lazy(() => themedSchedule);
function Schedule(props: SchedulePageProps) {
  return (
    <Suspense fallback={<PageShell />}>
      <ThemedSchedule {...props} />
    </Suspense>
  );
}
const pages: Record<string, unknown> = { Schedule };

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: 1, refetchOnWindowFocus: false },
  },
});

void createInertiaApp({
  resolve: (name) => {
    const page = pages[name];
    if (!page) throw new Error(`Unknown Inertia page "${name}"`);
    return page as typeof Schedule;
  },
  setup({ el, App, props }) {
    createRoot(el).render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <App {...props} />
        </QueryClientProvider>
      </StrictMode>,
    );
  },
  progress: false,
  // Inertia's own requests (none are POSTs today) would use Django's CSRF names.
  http: { xsrfCookieName: "csrftoken", xsrfHeaderName: "X-CSRFToken" },
});
