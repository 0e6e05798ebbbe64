import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The console's build: `vite build web` (npm run build) writes dist/web, which
 * `roster serve` serves at `/`. `npm run dev:web` serves it with hot reload and
 * sends /api to a server running on port 8080 (npm start).
 */
export default defineConfig({
  plugins: [react()],
  build: { outDir: "../dist/web", emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
