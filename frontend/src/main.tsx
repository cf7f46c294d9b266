// Entry point (the only one): boots the Inertia app from the page JSON inertia-django puts in the HTML.
import { createInertiaApp } from "@inertiajs/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider } from "antd";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import Schedule from "./pages/Schedule";
import "./styles.css";

// The app has one page; importing it eagerly saves a request on first paint.
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
          <ConfigProvider theme={{ token: { colorPrimary: "#175cd3", borderRadius: 6, colorTextTertiary: "#5b6474", colorTextDescription: "#5b6474", colorTextPlaceholder: "#6b7280", colorTextQuaternary: "#6b7280" } }}>
            <AntApp>
              <App {...props} />
            </AntApp>
          </ConfigProvider>
        </QueryClientProvider>
      </StrictMode>,
    );
  },
  progress: false,
  // Inertia's own requests (none are POSTs today) would use Django's CSRF names.
  http: { xsrfCookieName: "csrftoken", xsrfHeaderName: "X-CSRFToken" },
});
