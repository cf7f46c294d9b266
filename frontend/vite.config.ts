/// <reference types="vitest/config" />
// Vite builds the schedule page into Django's static/dist (read by django-vite through the manifest).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

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
        chunkFileNames: (chunk) => (chunk.isDynamicEntry ? "assets/[name]-[hash].js" : "assets/shared-forms-[hash].js"),
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
