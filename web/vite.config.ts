import { resolve } from "node:path";
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// Every HTML page of the UI; later pages (analytics) go here.
const pages = {
  index: "index.html",
  "embed-demo": "embed-demo.html",
  agent: "agent.html",
  supervisor: "supervisor.html",
  review: "review.html",
  queue: "queue.html",
  history: "history.html",
  audit: "audit.html",
  calls: "calls.html",
  dashboard: "dashboard.html",
};

// Scripts that third-party pages load by a fixed URL, so their names must not carry a hash.
const stableScripts = new Set(["embed"]);

// The Rust server during `npm run dev`; the dev server forwards the API and the websockets to it.
const backend = process.env.SWITCHBOARD_DEV_BACKEND ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: {
      input: {
        ...Object.fromEntries(
          Object.entries(pages).map(([name, file]) => [name, resolve(import.meta.dirname, file)]),
        ),
        embed: resolve(import.meta.dirname, "src/embed.ts"),
      },
      output: {
        entryFileNames: (chunk) =>
          stableScripts.has(chunk.name) ? "[name].js" : "assets/[name]-[hash].js",
      },
    },
  },
  server: {
    proxy: {
      "/v1": { target: backend, ws: true, changeOrigin: true },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
