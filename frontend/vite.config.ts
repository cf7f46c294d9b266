/// <reference types="vitest/config" />
// Vite builds the schedule page into Django's static/dist (read by django-vite through the manifest).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** The libraries every page load needs, in chunks of their own: React, and Inertia with TanStack Query and
 * dayjs. The browser fetches them in parallel with our code (modulepreload) and keeps them cached across
 * releases that change only our code. Ant Design is left to Rollup: its package index re-exports every
 * component, so a chunk of "all of antd" would pull the date pickers and forms of the lazy screens into the
 * first load; split by use, the first screen gets only the components it shows. */
function vendorChunks(id: string): string | undefined {
  if (/\/node_modules\/(react|react-dom|scheduler)\//.test(id)) return "vendor-react";
  if (/\/node_modules\/(@inertiajs|laravel-precognition|@tanstack|dayjs)\//.test(id)) return "vendor-libs";
  return undefined;
}

export default defineConfig({
  plugins: [react()],
  // django-vite: static_url_prefix "dist" under STATIC_URL "/static/".
  base: "/static/dist/",
  build: {
    outDir: "../static/dist",
    // Keep earlier builds' files: a running Django (django-vite caches the manifest until restart) keeps
    // serving pages that name them. static/dist is git-ignored; `make clean` removes it.
    emptyOutDir: false,
    manifest: true,
    target: "es2022",
    rollupOptions: {
      input: "src/main.tsx",
      output: {
        // Chunks shared by the lazy parts (pickers, forms) are named for what they are, not after a module.
        chunkFileNames: (chunk) =>
          chunk.isDynamicEntry || chunk.name.startsWith("vendor-") ? "assets/[name]-[hash].js" : "assets/shared-forms-[hash].js",
        manualChunks: vendorChunks,
      },
    },
  },
  server: {
    // VITE_DEV=true on the Django side loads assets from here.
    origin: "http://localhost:5173",
  },
  test: {
    include: ["src/**/*.test.{ts,tsx}"],
    environment: "node",
  },
});
